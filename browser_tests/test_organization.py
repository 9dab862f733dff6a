"""Issue 4 in Chromium: a legal representative edits the organization's details
(currency preview, logo in the top bar) and removes a user through every step
of O6 (⋮ menu → explanation → Continue → password → confirmation box → red
button), in English and in Spanish. Every page is saved to var/screenshots/
and checked with axe."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from orgs.models import Membership, Organization, Role
from orgs.services.invitations import invitation_create
from orgs.services.members import MemberPermissions
from testsupport.cast import TEST_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

TEXT = {
    "en": {
        "modify": "Modify",
        "save": "Save",
        "remove_menu": "Remove from the organization",
        "continue": "Continue",
        "remove": "Remove this user",
        "confirm": "I understand that this user loses access to the organization.",
        "removed": "was removed from the organization",
        "saved": "The details were saved",
        "last": "always needs at least one active legal representative",
    },
    "es": {
        "modify": "Modificar",
        "save": "Guardar",
        "remove_menu": "Eliminar de la Organización",
        "continue": "Continuar",
        "remove": "Eliminar a este usuario",
        "confirm": "Entiendo que este usuario pierde el acceso a la Organización.",
        "removed": "ha sido eliminado de la Organización",
        "saved": "Los datos se han guardado",
        "last": "necesita siempre al menos un responsable legal activo",
    },
}


def _logo_png(tmp_path: Any) -> str:
    image = Image.new("RGBA", (240, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 110, 110), fill=(234, 160, 28, 255))
    draw.rectangle((125, 45, 230, 75), fill=(11, 92, 173, 255))
    path = tmp_path / "logo.png"
    out = io.BytesIO()
    image.save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def _given(lang: str) -> tuple[Organization, Membership, Membership]:
    org: Any = OrganizationFactory(
        name="Hostelería Sol S.L." if lang == "es" else "Sunrise Hosting Ltd",
        street="Calle Mayor 1",
        postcode="28013",
        city="Madrid",
        country="ES",
    )
    rep: Any = MembershipFactory(
        organization=org,
        role=Role.LEGAL_REPRESENTATIVE,
        user=UserFactory(email=f"ana.{lang}@example.test", name="Ana Álvarez", language=lang),
    )
    MembershipFactory(
        organization=org,
        role=Role.ADMINISTRATOR,
        user=UserFactory(email=f"david.{lang}@example.test", name="David Díaz"),
    )
    removed: Any = MembershipFactory(
        organization=org,
        role=Role.MEMBER,
        accounting=True,
        user=UserFactory(email=f"frank.{lang}@example.test", name="Frank Fischer"),
    )
    return org, rep, removed


def _log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[type=email]").fill(email)
    page.locator("input[type=password]").fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/$"))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_legal_representative_edits_the_details_and_removes_a_user(
    page: Any, shoot: Any, tmp_path: Any, lang: str
) -> None:
    text = TEXT[lang]
    org, rep, removed = _given(lang)
    _log_in(page, rep.user.email)

    # O4: the details, read-only view with Modify for the legal representative.
    page.goto("/organization/")
    shoot(page, f"org-01-details-{lang}")
    page.get_by_role("link", name=text["modify"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/organization/edit/$"))
    page.wait_for_load_state("load")

    # O5: choosing Switzerland shows CHF before saving (JavaScript enhancement).
    page.locator("#id_country").select_option("CH")
    expect(page.locator("#currency-next")).to_have_text("CHF")
    page.locator("#id_street").fill("Bahnhofstrasse 10")
    page.locator("#id_postcode").fill("8001")
    page.locator("#id_city").fill("Zürich")
    page.locator("#id_phone").fill("044 668 18 00")
    page.locator("#id_tax_id").fill("CHE-123.456.788")
    page.locator("#id_logo").set_input_files(_logo_png(tmp_path))
    shoot(page, f"org-02-edit-{lang}")
    page.get_by_role("button", name=text["save"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/organization/$"))
    expect(page.locator(".alert")).to_contain_text(text["saved"])
    expect(page.locator(".dl-grid")).to_contain_text("CHF")
    expect(page.locator(".dl-grid")).to_contain_text("044 668 18 00")
    expect(page.locator("#org-switcher img.org-logo")).to_be_visible()
    shoot(page, f"org-03-details-saved-{lang}")

    # O6: the ⋮ menu on the user's row (a native disclosure, no JavaScript needed).
    page.goto("/users/")
    row = page.locator("tbody tr", has_text="Frank Fischer")
    row.locator("summary").click()
    expect(row.get_by_role("link", name=text["remove_menu"])).to_be_visible()
    shoot(page, f"org-04-users-menu-{lang}")
    row.get_by_role("link", name=text["remove_menu"]).click()

    # Step 1: what removing means, then Continue.
    expect(page).to_have_url(re.compile(rf"/users/{removed.pk}/remove/$"))
    shoot(page, f"org-05-remove-explain-{lang}")
    page.get_by_role("link", name=text["continue"]).click()

    # Step 2: the account password (re-authentication).
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[type=password]").fill(TEST_PASSWORD)
    shoot(page, f"org-06-remove-password-{lang}")
    page.locator("form button[type=submit]").last.click()

    # Step 3: the confirmation box and the red button.
    expect(page).to_have_url(re.compile(rf"/users/{removed.pk}/remove/confirm/$"))
    button = page.get_by_role("button", name=text["remove"])
    expect(button).to_have_class(re.compile("btn-danger"))
    page.get_by_label(text["confirm"]).check()
    shoot(page, f"org-07-remove-confirm-{lang}")
    button.click()
    expect(page).to_have_url(re.compile(r"/users/$"))
    expect(page.locator(".alert")).to_contain_text(text["removed"])
    expect(page.locator("tbody")).not_to_contain_text("Frank Fischer")
    shoot(page, f"org-08-users-after-{lang}")
    assert not Membership.objects.filter(pk=removed.pk).exists()

    # The last legal representative: the option stays, and the page says why.
    page.goto(f"/users/{rep.pk}/remove/")
    expect(page).to_have_url(re.compile(r"/organization/leave/$"))
    expect(page.locator(".alert")).to_contain_text(text["last"])
    shoot(page, f"org-09-last-legal-rep-{lang}")

    # The audit log shows what happened.
    page.goto("/audit/")
    expect(page.locator("tbody")).to_contain_text(removed.user.email)
    shoot(page, f"org-10-audit-{lang}")
    org.refresh_from_db()
    assert org.currency == "CHF"

    # O2: a user's role and permissions; O3: inviting someone.
    page.goto("/users/")
    row = page.locator("tbody tr", has_text="David Díaz")
    row.locator("summary").click()
    david = Membership.objects.get(user__name="David Díaz", organization=org)
    row.locator(f"a[href$='/users/{david.pk}/']").click()
    shoot(page, f"org-11-member-edit-{lang}")
    page.goto("/users/invite/")
    page.locator("#id_email").fill(f"nina.{lang}@example.test")
    page.locator("#id_accounting").check()
    shoot(page, f"org-12-invite-{lang}")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/users/$"))
    expect(page.locator("main")).to_contain_text(f"nina.{lang}@example.test")
    shoot(page, f"org-13-users-invited-{lang}")


def test_an_invited_user_accepts_and_lands_in_the_organization(
    page: Any, shoot: Any, outbox_link: Any
) -> None:
    org, rep, _removed = _given("en")
    invited: Any = UserFactory(email="nina@example.test", name="Nina Neu", language="en")
    invitation_create(
        acting=rep, email=invited.email, role=Role.MEMBER, permissions=MemberPermissions(True)
    )
    link = outbox_link(invited.email, "/invitations/")
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Sunrise Hosting Ltd")
    shoot(page, "org-14-invitation-anonymous-en")
    page.get_by_role("link", name="Log in").click()
    page.locator("input[type=email]").fill(invited.email)
    page.locator("input[type=password]").fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/invitations/"))
    shoot(page, "org-15-invitation-accept-en")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#org-switcher")).to_contain_text("Sunrise Hosting Ltd")
    shoot(page, "org-16-invitation-accepted-en")
    assert Membership.objects.get(user=invited, organization=org).accounting
