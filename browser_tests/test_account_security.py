"""Issue 3 end to end in Chromium: two-factor enrolment with the QR code (the
code is computed here, as an authenticator app would), log out, log in with the
code; change of the login e-mail through the outbox link; the profile page in
English and Spanish, checked with axe (A3, A7)."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from orgs.models import Organization, Role
from products.models import Mailbox
from testsupport.auth import totp_code
from testsupport.cast import MembershipFactory, OrganizationFactory, UserFactory

PASSWORD = "A long and unusual passphrase 42"
EMAIL = "sara.seguridad@example.test"
NEW_EMAIL = "sara@nuevo.example.test"
DASHBOARD = re.compile(r"^https?://[^/]+/$")


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def _reauthenticate_if_asked(page: Any) -> None:
    if "/accounts/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()


def _wait_for_next_totp_period() -> None:
    # A code is accepted once; the login needs the next one.
    time.sleep(30 - time.time() % 30 + 1)


def test_two_factor_enrolment_login_with_code_email_change_and_profile(
    page: Any, shoot: Any, outbox_link: Any, transactional_db: Any
) -> None:
    OrganizationFactory(name="Seguridad Hosting S.L.")
    organization = Organization.objects.get(name="Seguridad Hosting S.L.")
    MembershipFactory(
        organization=organization,
        role=Role.LEGAL_REPRESENTATIVE,
        user=UserFactory(email=EMAIL, name="Sara Seguridad", password=PASSWORD),
    )
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    _log_in(page, EMAIL)
    expect(page).to_have_url(DASHBOARD)
    page.goto("/profile/")
    expect(page.get_by_test_id("profile-login-email")).to_have_text(EMAIL)
    shoot(page, "security-01-profile-en")

    # Enrol an authenticator app (A7): re-authentication, QR code, code.
    page.get_by_role("link", name="Set up two-factor authentication").click()
    _reauthenticate_if_asked(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    qr = page.locator("img[src^='data:image/svg+xml']")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0, "the QR code did not render under the CSP"
    secret = qr.get_attribute("alt")
    assert secret and re.fullmatch(r"[A-Z2-7]+=*", secret)
    shoot(page, "security-02-totp-activate")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    shoot(page, "security-03-recovery-codes")

    # Log out, then log in again: the second factor is asked.
    page.goto("/profile/")
    expect(page.locator("#two-factor-title")).to_be_visible()
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()
    _log_in(page, EMAIL)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    shoot(page, "security-04-login-code")
    _wait_for_next_totp_period()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(DASHBOARD)

    # Change the login e-mail (A3): password, link from the outbox, confirm by POST.
    page.goto("/profile/")
    shoot(page, "security-05-profile-with-two-factor")
    page.get_by_role("link", name="Change the login e-mail address").click()
    _reauthenticate_if_asked(page)
    expect(page).to_have_url(re.compile(r"/profile/login-email/$"))
    page.get_by_label("New address").fill(NEW_EMAIL)
    page.get_by_label("Your current password").fill(PASSWORD)
    shoot(page, "security-06-email-change")
    page.get_by_role("button", name="Send the verification link").click()
    expect(page.locator("#main")).to_contain_text(f"We sent a link to {NEW_EMAIL}")
    expect(page.get_by_test_id("profile-login-email")).to_have_text(EMAIL)
    page.goto(outbox_link(NEW_EMAIL, "/email/confirm/"))
    shoot(page, "security-07-email-confirm")
    page.get_by_test_id("confirm-email").click()
    expect(page.get_by_test_id("email-change-done")).to_contain_text(
        "From now on, log in with this address."
    )
    shoot(page, "security-08-email-changed")
    page.goto("/profile/")
    expect(page.get_by_test_id("profile-login-email")).to_have_text(NEW_EMAIL)
    expect(page.locator("#two-factor-title")).to_be_visible()
    shoot(page, "security-09-profile-en-after")

    # The password page offers the mailbox at the same address (A5); the 2FA policy page (A7).
    Mailbox.objects.create(organization=organization, address=NEW_EMAIL)
    page.goto("/profile/password/")
    _reauthenticate_if_asked(page)
    expect(page.get_by_label("Keep the mailbox password as it is")).to_be_checked()
    shoot(page, "security-10-password-change")
    page.goto("/organization/security/")
    shoot(page, "security-11-organization-security")
    page.goto("/profile/")

    # The profile in Spanish.
    page.locator("#user-menu").click()
    page.locator(".user-menu button[name=language][value=es]").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("Administrar mi perfil")
    shoot(page, "security-12-profile-es")

    assert not blocked, f"the browser blocked content: {blocked}"
