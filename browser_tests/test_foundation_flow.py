"""Issue 2 end to end in Chromium: sign up, verify the e-mail through the outbox,
work in the personal organization, create and switch organizations, change the
language, find the login e-mail (A1, A2, O1, X1, X2). Every page is saved to
var/screenshots/ and checked with axe."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

PASSWORD = "A long and unusual passphrase 42"
EMAIL = "nora.nueva@example.test"


def _open_user_menu(page: Any) -> None:
    page.locator("#user-menu").click()
    expect(page.locator(".user-menu")).to_be_visible()


def _open_switcher(page: Any) -> None:
    page.locator("#org-switcher").click()
    expect(page.locator(".org-switcher .dropdown-menu")).to_be_visible()


def test_a_new_user_signs_up_verifies_switches_organizations_and_language_and_logs_out(
    page: Any, shoot: Any, outbox_link: Any
) -> None:
    # Sign up (A1).
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Nora Nueva")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    shoot(page, "flow-01-signup")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    shoot(page, "flow-02-verification-sent")

    # Verify the address with the link e-mailed through the outbox (X2).
    page.goto(outbox_link(EMAIL, "/accounts/confirm-email/"))
    shoot(page, "flow-03-confirm-email")
    page.get_by_role("button", name="Confirm").click()

    # Logged in, in the personal organization named after the user.
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#org-switcher")).to_contain_text("Nora Nueva")
    expect(page.locator(".dl-grid")).to_contain_text("Legal representative")
    shoot(page, "flow-04-dashboard-personal")

    # Create a second organization (O1); it becomes the current one.
    _open_switcher(page)
    shoot(page, "flow-05-switcher-open")
    page.get_by_role("link", name="Create an organization").click()
    page.get_by_label("Name of the organization").fill("Nueva Cloud AG")
    page.get_by_label("Type").select_option("company")
    page.get_by_label("Country").select_option("CH")
    shoot(page, "flow-06-create-organization")
    page.get_by_role("button", name="Create the organization").click()
    expect(page.locator("#org-switcher")).to_contain_text("Nueva Cloud AG")
    expect(page.locator(".dl-grid")).to_contain_text("CHF")
    shoot(page, "flow-07-dashboard-second-org")

    # Switch back with the switcher: the page shows the personal organization.
    _open_switcher(page)
    page.locator(".org-switcher .dropdown-item", has_text="Nora Nueva").click()
    expect(page.locator("#org-switcher")).to_contain_text("Nora Nueva")
    expect(page.locator(".dl-grid")).to_contain_text("EUR")
    shoot(page, "flow-08-switched-back")

    # Change the language to Spanish, then back to English (X1).
    _open_user_menu(page)
    expect(page.get_by_test_id("login-email")).to_have_text(EMAIL)
    shoot(page, "flow-09-user-menu")
    page.locator(".user-menu button[name=language][value=es]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    _open_user_menu(page)
    expect(page.locator(".user-menu")).to_contain_text("Cerrar sesión")
    expect(page.locator("#sidebar")).to_contain_text("Cuenta prepagada")
    expect(page.locator("#main")).to_contain_text("Está trabajando en Nora Nueva")
    shoot(page, "flow-10-spanish")
    page.locator(".user-menu button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The profile page shows the login e-mail (A2).
    _open_user_menu(page)
    page.get_by_role("link", name="Manage my profile").click()
    expect(page.get_by_test_id("profile-login-email")).to_have_text(EMAIL)
    shoot(page, "flow-11-profile")

    # The layout holds on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    shoot(page, "flow-12-dashboard-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Log out.
    _open_user_menu(page)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    shoot(page, "flow-13-logged-out")
