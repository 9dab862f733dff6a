"""One password prompt per action (A7; issue 8 §2): changing the login e-mail
or the password asks for the password once, in the form itself, as the help
center describes it (5 steps and 4). That password is the re-authentication:
the next sensitive action within the window asks nothing. Only an action whose
form has no password field shows a confirm page, in the panel's layout.

Steps are counted as a person makes them: opening a page, clicking a link or a
button, filling one field."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from core.models import OutboxEmail
from orgs.models import Organization, Role
from testsupport.cast import MembershipFactory, OrganizationFactory, UserFactory

PASSWORD = "A long and unusual passphrase 42"
NEW_PASSWORD = "Another rather long passphrase 43"
EMAIL = "pablo.pasos@example.test"
NEW_EMAIL = "pablo@nuevo.example.test"
REAUTH = "/accounts/reauthenticate/"


class Steps:
    """Counts what the user does; remembers every URL the browser showed."""

    def __init__(self, page: Any) -> None:
        self.page, self.count = page, 0
        self.urls: list[str] = []
        page.on("framenavigated", lambda frame: self.urls.append(frame.url))

    def goto(self, url: str) -> None:
        self.count += 1
        self.page.goto(url)

    def click(self, locator: Any) -> None:
        self.count += 1
        locator.click()

    def fill(self, locator: Any, value: str) -> None:
        self.count += 1
        locator.fill(value)

    def saw_confirm_page(self) -> bool:
        return any(REAUTH in url for url in self.urls)


def _member(email: str, language: str = "en") -> None:
    OrganizationFactory(name="Pasos Hosting S.L.")
    MembershipFactory(
        organization=Organization.objects.get(name="Pasos Hosting S.L."),
        role=Role.LEGAL_REPRESENTATIVE,
        user=UserFactory(email=email, name="Pablo Pasos", password=PASSWORD, language=language),
    )


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_changing_the_login_email_then_the_password_asks_the_password_once_each(
    page: Any, shoot: Any, transactional_db: Any
) -> None:
    _member(EMAIL)
    _log_in(page, EMAIL)

    # Login e-mail (A3): the help center's 5 steps, no confirm page.
    steps = Steps(page)
    steps.goto("/profile/")
    steps.click(page.get_by_role("link", name="Change the login e-mail address"))
    expect(page).to_have_url(re.compile(r"/profile/login-email/$"))
    steps.fill(page.get_by_label("New address"), NEW_EMAIL)
    steps.fill(page.get_by_label("Your current password"), PASSWORD)
    shoot(page, "one-prompt-01-email-change-en")
    steps.click(page.get_by_role("button", name="Send the verification link"))
    expect(page.locator("#main")).to_contain_text(f"We sent a link to {NEW_EMAIL}")
    assert OutboxEmail.objects.filter(to=NEW_EMAIL).exists()
    assert (steps.count, steps.saw_confirm_page()) == (5, False)

    # Password (A5): profile, link, current and new password (one step of the
    # help center, two fields here), save; no confirm page either.
    steps = Steps(page)
    steps.goto("/profile/")
    steps.click(page.get_by_role("link", name="Change the password"))
    expect(page).to_have_url(re.compile(r"/profile/password/$"))
    steps.fill(page.get_by_label("Current password"), PASSWORD)
    steps.fill(page.get_by_label("New password"), NEW_PASSWORD)
    shoot(page, "one-prompt-02-password-change-en")
    steps.click(page.get_by_role("button", name="Change the password"))
    expect(page).to_have_url(re.compile(r"/profile/$"))
    assert (steps.count, steps.saw_confirm_page()) == (5, False)

    # Within the window, a sensitive action without a password field asks nothing.
    steps = Steps(page)
    steps.fill(page.get_by_label("Token name"), "backup script")
    steps.click(page.get_by_role("button", name="Create a token"))
    expect(page.locator("#main")).to_contain_text("Your new API token was created")
    expect(page.get_by_role("cell", name="backup script", exact=True)).to_be_visible()
    assert (steps.count, steps.saw_confirm_page()) == (2, False)


def test_an_action_without_a_password_field_confirms_on_a_panel_page_in_spanish(
    page: Any, shoot: Any, transactional_db: Any
) -> None:
    _member(EMAIL, language="es")
    _log_in(page, EMAIL)
    page.goto("/profile/")
    page.get_by_label("Nombre del token").fill("copias")
    page.get_by_role("button", name="Crear un token").click()

    expect(page).to_have_url(re.compile(REAUTH))
    expect(page.locator("h1")).to_have_text("Confirme que es usted")
    expect(page.locator("#sidebar")).to_be_attached()  # the panel's layout
    expect(page.locator("#user-menu")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    shoot(page, "one-prompt-03-confirm-es")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Continuar").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))
    expect(page.locator("#main")).to_contain_text("copias")

    # The two-factor pages are allauth's, in the panel's layout and language.
    page.get_by_role("link", name="Configurar la autenticación en dos pasos").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(page.locator("#sidebar")).to_be_attached()
    shoot(page, "one-prompt-04-totp-activate-es")
