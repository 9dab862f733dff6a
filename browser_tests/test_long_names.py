"""Issue 8: a 150-character name without spaces (user, organization, product)
never pushes the user menu off-screen nor stretches a page; the full text
stays on hover (``title``). On a desktop and on a phone, in es and en, with axe."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import log_in
from catalog.demo import catalog_ensure
from catalog.models import Plan
from orgs.models import Role
from products.models import ProductInstance, StoredFile
from testsupport.cast import MembershipFactory, OrganizationFactory, UserFactory

EMAIL = "largo@example.test"
USER_NAME = "Bartolomé" + "x" * 141
ORG_NAME = "Organización" + "y" * 138
PRODUCT_NAME = "servidor" + "z" * 92

WIDTHS = {"desktop": 1280, "phone": 390}


def _given_long_names(language: str) -> None:
    catalog_ensure()
    org: Any = OrganizationFactory(name=ORG_NAME)
    rep: Any = MembershipFactory(
        organization=org,
        role=Role.LEGAL_REPRESENTATIVE,
        user=UserFactory(email=EMAIL, name=USER_NAME, language=language),
    )
    MembershipFactory(organization=org, role=Role.MEMBER, user=UserFactory(name="w" * 150))
    storage = ProductInstance.objects.create(
        organization=org,
        plan=Plan.objects.get(slug="storage-100"),
        name=PRODUCT_NAME,
        period_months=12,
        term_start=date(2026, 3, 1),
        term_end=date(2026, 12, 28),
    )
    StoredFile.objects.create(product=storage, owner=rep, name="a.pdf", size_bytes=3_400_000)


def _log_in(page: Any) -> None:
    log_in(page, EMAIL)


def _fits(page: Any, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-responsive'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""",
        width,
    )
    assert scroll <= width, f"{page.url}: {scroll}px wide on a {width}px screen: {wide}"


def _in_view(page: Any, locator: Any, width: int) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
        f"{locator} is off-screen: {box}"
    )


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_long_names_are_truncated_with_the_full_text_on_hover(
    page: Any, shoot: Any, transactional_db: Any, language: str, screen: str
) -> None:
    width = WIDTHS[screen]
    page.set_viewport_size({"width": width, "height": 900})
    _given_long_names(language)
    _log_in(page)

    # Dashboard: greeting and the product due; nothing wider than the screen.
    _fits(page, width)
    expect(page.locator(f'[title="{ORG_NAME}"]').first).to_be_attached()
    shoot(page, f"long-names-01-dashboard-{screen}-{language}")

    # The user menu opens and every item is on screen.
    page.locator("#user-menu").click()
    menu = page.locator(".user-menu")
    _in_view(page, menu, width)
    for item in (
        menu.locator("a.dropdown-item").first,
        menu.locator("button[name=language]").first,
        menu.locator("form[action*=logout] button"),
    ):
        _in_view(page, item, width)
    expect(menu.locator(f'[title="{USER_NAME}"]')).to_be_visible()
    shoot(page, f"long-names-02-user-menu-{screen}-{language}")
    page.keyboard.press("Escape")

    # The organization switcher and the users table.
    page.goto("/users/")
    _fits(page, width)
    expect(page.locator(f'td [title="{USER_NAME}"]')).to_be_visible()
    shoot(page, f"long-names-03-users-{screen}-{language}")

    # Products: the list and the page with the space used per user (axe: its
    # table scrolls on a phone, so it must take the keyboard focus).
    page.goto("/products/")
    _fits(page, width)
    expect(page.locator(f'[title="{PRODUCT_NAME}"]').first).to_be_visible()
    shoot(page, f"long-names-04-products-{screen}-{language}")
    page.locator(f'a[title="{PRODUCT_NAME}"]').first.click()
    _fits(page, width)
    shoot(page, f"long-names-05-product-{screen}-{language}")

    # The organization's details.
    page.goto("/organization/")
    _fits(page, width)
    shoot(page, f"long-names-06-organization-{screen}-{language}")


def test_the_api_documentation_declares_its_language(page: Any, shoot: Any) -> None:
    page.goto("/api/v1/docs")
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^[a-z]{2}"))
    expect(page.locator(".opblock").first).to_be_visible()  # the schema loaded
    shoot(page, "api-docs")
