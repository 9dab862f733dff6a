"""Issue 5 products in Chromium (S5, P3): the list, the one-click automatic
renewal (a plain form), the cancel flow with its two options, the mailbox list
and access, in English and Spanish. Every page is saved to var/screenshots/
and checked with axe."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from playwright.sync_api import expect

from browser_tests.conftest import log_in
from catalog.demo import catalog_ensure
from catalog.models import Plan
from orgs.models import Role
from products.models import Mailbox, ProductInstance, StoredFile
from testsupport.cast import MembershipFactory, OrganizationFactory, UserFactory

EMAIL = "paula@example.test"


def _product(org: Any, slug: str, name: str, **fields: Any) -> ProductInstance:
    values: dict[str, Any] = {
        "organization": org,
        "plan": Plan.objects.get(slug=slug),
        "name": name,
        "period_months": 12,
        "term_start": date(2026, 3, 1),
        "term_end": date(2027, 2, 28),
    }
    values.update(fields)
    return ProductInstance.objects.create(**values)


def _given_an_organization_with_products() -> None:
    catalog_ensure()
    org: Any = OrganizationFactory(name="Panadería Paula S.L.")
    admin: Any = MembershipFactory(
        organization=org,
        role=Role.ADMINISTRATOR,
        user=UserFactory(email=EMAIL, name="Paula Pérez", language="en"),
    )
    member: Any = MembershipFactory(
        organization=org, role=Role.MEMBER, user=UserFactory(name="Marco Miembro")
    )
    _product(org, "web-business", "panaderiapaula.es")
    mail = _product(org, "mail-5", "Correo Panadería", period_months=3, term_end=date(2026, 12, 31))
    storage = _product(org, "storage-100", "Archivos")
    _product(org, "cloud-s", "Servidor viejo", status="expired", auto_renewal=False)
    box = Mailbox.objects.create(organization=org, product=mail, address="hola@panaderia.test")
    box.members_with_access.add(admin, member)
    mail.members_with_access.add(member)
    StoredFile.objects.create(
        product=storage, owner=admin, name="Recetas.pdf", size_bytes=3_400_000
    )
    StoredFile.objects.create(product=storage, owner=member, name="Turnos.ods", size_bytes=52_000)


def _log_in(page: Any) -> None:
    log_in(page, EMAIL)


def _row(page: Any, name: str) -> Any:
    return page.locator("tbody tr", has_text=name)


def test_an_administrator_toggles_auto_renewal_and_cancels_a_product(page: Any, shoot: Any) -> None:
    _given_an_organization_with_products()
    _log_in(page)

    # The list: offer, name, term end, frequency, auto-renewal, status.
    page.goto("/products/")
    expect(_row(page, "panaderiapaula.es")).to_contain_text("Web hosting")
    expect(_row(page, "Servidor viejo")).to_contain_text("Expired")
    shoot(page, "products-01-list-en")

    # One click turns automatic renewal off, and back on; no JavaScript needed.
    row = _row(page, "panaderiapaula.es")
    row.get_by_role("button", name=re.compile("^Turn off")).click()
    expect(page.locator(".alert")).to_contain_text("Automatic renewal of panaderiapaula.es is off.")
    expect(_row(page, "panaderiapaula.es")).to_contain_text("Off")
    shoot(page, "products-02-auto-renewal-off-en")
    _row(page, "panaderiapaula.es").get_by_role("button", name=re.compile("^Turn on")).click()
    expect(_row(page, "panaderiapaula.es")).to_contain_text("On")

    # Detail with Manage, the mailbox list and the space per user.
    page.get_by_role("link", name="Correo Panadería").click()
    expect(page.locator("h1")).to_have_text("Correo Panadería")
    expect(page.get_by_role("table", name="Mailboxes of this e-mail service")).to_contain_text(
        "hola@panaderia.test"
    )
    shoot(page, "products-03-detail-mail-en")

    # Cancel: both options are explained; choose the end of the term.
    page.get_by_role("link", name="Cancel the product").click()
    expect(page.locator("main")).to_contain_text("not refunded")
    shoot(page, "products-04-cancel-en")
    page.get_by_label("At the end of the term").check()
    page.get_by_label("I understand what happens to this product and its data.").check()
    page.get_by_role("button", name="Cancel the product").click()
    expect(page.locator(".alert")).to_contain_text("will not be renewed")
    expect(page.locator("main")).to_contain_text("Ends on")
    shoot(page, "products-05-cancelled-at-term-end-en")

    # Access: who can see this product.
    page.get_by_role("link", name="Choose who can see it").click()
    expect(page.get_by_label(re.compile("Marco Miembro"))).to_be_checked()
    shoot(page, "products-06-access-en")

    # The same pages in Spanish.
    page.locator("#user-menu").click()
    page.locator(".user-menu button[name=language][value=es]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/products/")
    expect(page.locator("thead")).to_contain_text("Renovación automática")
    shoot(page, "products-07-list-es")
    page.get_by_role("link", name="panaderiapaula.es").click()
    shoot(page, "products-08-detail-es")
    page.get_by_role("link", name="Cancelar el producto").click()
    expect(page.locator("main")).to_contain_text("no se reembolsa")
    shoot(page, "products-09-cancel-es")
    page.get_by_label("Ahora, sin reembolso").check()
    page.get_by_label("Entiendo lo que ocurre con este producto y sus datos.").check()
    page.get_by_role("button", name="Cancelar el producto").click()
    expect(page.locator(".alert")).to_contain_text("El producto se ha cancelado.")
    expect(page.locator("main")).to_contain_text("Cancelado")
    shoot(page, "products-10-cancelled-now-es")

    # A phone-sized screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/products/")
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= 390
    )  # the table scrolls, not the page
    shoot(page, "products-11-list-phone-es")

    # The shop lists the catalog read-only, in euros for this Spanish organization.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/shop/")
    expect(page.locator("main")).to_contain_text("Alojamiento web")
    expect(page.locator("main")).to_contain_text("€")
    shoot(page, "products-12-shop-es")
