"""The panel's layout in Chromium (issue 2): every section of the menu opens,
looks right and passes axe, on a desktop and on a phone; a user without any
organization gets the empty state that offers to create one (O1)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from orgs.models import Role
from testsupport.cast import MembershipFactory, OrganizationFactory, UserFactory

PASSWORD = "A long and unusual passphrase 42"


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))


def test_every_section_of_the_menu_opens_and_is_accessible(
    page: Any, shoot: Any, transactional_db: Any
) -> None:
    organization = OrganizationFactory(name="Menú Hosting S.L.")
    MembershipFactory(
        organization=organization,
        role=Role.LEGAL_REPRESENTATIVE,
        user=UserFactory(email="lia@example.test", name="Lía Layout", password=PASSWORD),
    )
    _log_in(page, "lia@example.test")
    links = page.locator("#sidebar .nav-link")
    labels = [label.strip() for label in links.all_inner_texts()]
    assert labels[:3] == ["Dashboard", "Products", "Shop"]
    assert "Help center" in labels
    for index, label in enumerate(labels):
        page.locator("#sidebar .nav-link").nth(index).click()
        expect(page.locator("#sidebar .nav-link.active")).to_have_text(label)
        expect(page.locator("h1")).to_be_visible()
        slug = re.sub(r"[^a-z]+", "-", label.lower()).strip("-")
        shoot(page, f"layout-{index:02d}-{slug}")


def test_on_a_phone_the_menu_opens_from_the_menu_button(
    page: Any, shoot: Any, transactional_db: Any
) -> None:
    MembershipFactory(
        organization=OrganizationFactory(name="Móvil S.L."),
        role=Role.ADMINISTRATOR,
        user=UserFactory(email="mo@example.test", name="Mo Mobile", password=PASSWORD),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, "mo@example.test")
    expect(page.locator("#sidebar .nav-link").first).not_to_be_visible()
    page.get_by_role("button", name="Menu", exact=True).click()
    expect(page.locator("#sidebar.show:not(.showing)")).to_be_visible()  # slid in
    shoot(page, "layout-phone-menu-open")
    page.locator("#sidebar .nav-link", has_text="Organization").click()
    expect(page.locator("h1")).to_be_visible()
    shoot(page, "layout-phone-organization")


def test_a_user_without_organization_gets_the_empty_state_and_creates_one(
    page: Any, shoot: Any, transactional_db: Any
) -> None:
    UserFactory(email="nadie@example.test", name="Nadia Nadie", password=PASSWORD)
    _log_in(page, "nadie@example.test")
    expect(page.get_by_text("You do not belong to any organization yet")).to_be_visible()
    shoot(page, "layout-no-organization")
    page.locator("#main").get_by_role("link", name="Create an organization").click()
    page.get_by_label("Name of the organization").fill("Nadie Web")
    page.get_by_role("button", name="Create the organization").click()
    expect(page.locator("#org-switcher")).to_contain_text("Nadie Web")
