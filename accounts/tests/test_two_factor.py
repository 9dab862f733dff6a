"""Two-factor authentication (A7): enrolment with a QR code, recovery codes,
turning it off with re-authentication, and the organization's requirement."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES, client_for
from core.models import AuditEvent, OutboxEmail
from testsupport.auth import client_reauthenticate, totp_code, totp_enable

pytestmark = pytest.mark.django_db

ACTIVATE = reverse("mfa_activate_totp")
DEACTIVATE = reverse("mfa_deactivate_totp")
POLICY = reverse("organization_security")


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(
    cast, django_capture_on_commit_callbacks
):
    user = cast.member.user
    user.recovery_email = "max.private@example.org"
    user.save()
    client = client_reauthenticate(client_for(cast.member), user)
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert AuditEvent.objects.filter(kind="account.two_factor_added", actor=user).exists()
    notices = OutboxEmail.objects.filter(template="mfa/email/totp_activated")
    assert sorted(notices.values_list("to", flat=True)) == [
        "max.private@example.org",
        "max@example.test",
    ]


def test_a_wrong_code_does_not_enrol(cast):
    client = client_reauthenticate(client_for(cast.member), cast.member.user)
    client.get(ACTIVATE)
    response = client.post(ACTIVATE, {"code": "000000"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=cast.member.user).exists()


def test_enrolment_needs_reauthentication(cast):
    response = client_for(cast.member).get(ACTIVATE)
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_recovery_codes_can_be_regenerated(cast, django_capture_on_commit_callbacks):
    user = cast.member.user
    totp_enable(user)
    client = client_reauthenticate(client_for(cast.member), user)
    before = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    after = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    assert before != after
    assert AuditEvent.objects.filter(kind="account.recovery_codes_regenerated").exists()


def test_turning_it_off_works_with_a_recent_reauthentication(cast):
    user = cast.member.user
    totp_enable(user)
    client = client_reauthenticate(client_for(cast.member), user)
    response = client.post(DEACTIVATE)
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    assert AuditEvent.objects.filter(kind="account.two_factor_removed").exists()


def test_turning_it_off_is_refused_after_the_window(cast):
    user = cast.member.user
    totp_enable(user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_reauthenticate(client_for(cast.member), user, at=time.time())
        traveller.shift(timedelta(seconds=301))
        response = client.post(DEACTIVATE)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_the_profile_shows_the_state(cast):
    user = cast.member.user
    client = client_for(cast.member)
    assert "Set up two-factor authentication" in client.get(reverse("profile")).content.decode()
    totp_enable(user)
    body = client.get(reverse("profile")).content.decode()
    assert "Turn off two-factor authentication" in body
    assert "10 recovery codes left" in body


# --- Organization requirement ---------------------------------------------------------


def test_anonymous_is_sent_to_login_from_the_policy_page(cast):
    response = client_for(None).get(POLICY)
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 403), ("accountant", 403), ("member", 403), ("outsider", 200)],
)
def test_only_legal_representatives_reach_the_policy_page(cast, role, status):
    # The outsider is legal representative of their own organization: they see that one.
    response = client_for(getattr(cast, role)).get(POLICY)
    assert response.status_code == status
    if role == "outsider":
        assert cast.org.name not in response.content.decode()


def test_the_legal_representative_turns_the_requirement_on(cast):
    response = client_for(cast.legal_rep).post(POLICY, {"require_two_factor": "on"})
    assert response.status_code == 302
    cast.org.refresh_from_db()
    assert cast.org.require_two_factor
    assert AuditEvent.objects.filter(
        kind="orgs.two_factor_policy_changed", organization=cast.org
    ).exists()


def test_an_admin_cannot_change_the_requirement(cast):
    response = client_for(cast.admin).post(POLICY, {"require_two_factor": "on"})
    assert response.status_code == 403
    cast.org.refresh_from_db()
    assert not cast.org.require_two_factor


@pytest.mark.parametrize(("role", "sent"), [(r, r in ("legal_rep", "admin")) for r in ROLES])
def test_when_required_reps_and_admins_without_it_are_sent_to_enrolment(cast, role, sent):
    cast.org.require_two_factor = True
    cast.org.save()
    response = client_for(getattr(cast, role)).get(reverse("dashboard"))
    if sent:
        assert response["Location"] == ACTIVATE
    else:
        assert response.status_code == 200


def test_once_enrolled_they_work_normally(cast):
    cast.org.require_two_factor = True
    cast.org.save()
    totp_enable(cast.admin.user)
    assert client_for(cast.admin).get(reverse("dashboard")).status_code == 200


def test_the_enrolment_and_logout_pages_stay_reachable(cast):
    cast.org.require_two_factor = True
    cast.org.save()
    client = client_reauthenticate(client_for(cast.admin), cast.admin.user)
    assert client.get(ACTIVATE).status_code == 200
    assert client.get(reverse("email_change_confirm", args=["unknown"])).status_code == 404
    assert client.post(reverse("account_logout")).status_code == 302


@pytest.mark.parametrize(("role", "shown"), [(r, r in ("legal_rep", "outsider")) for r in ROLES])
def test_the_profile_links_the_policy_page_for_legal_representatives(cast, role, shown):
    body = client_for(getattr(cast, role)).get(reverse("profile")).content.decode()
    assert (POLICY in body) is shown


# --- Gestor's own two-factor pages (issue 8 §2) -----------------------------------


def _page(client, url):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_two_factor_pages_are_gestors_in_the_panel_layout(cast, language):
    user = cast.member.user
    user.language = language
    user.save()
    client = client_reauthenticate(client_for(cast.member), user)
    activate = _page(client, ACTIVATE)
    totp_enable(user)
    pages = [activate, _page(client, DEACTIVATE), _page(client, reverse("mfa_view_recovery_codes"))]
    pages.append(_page(client, reverse("mfa_generate_recovery_codes")))
    for html in pages:
        assert 'id="sidebar"' in html  # the panel's layout
        assert '<h1 class="h3 mb-0"></h1>' not in html  # the page title is the panel's
        for stock in (
            "Activate Authenticator App",
            "Deactivate Authenticator App",
            "Recovery Codes",
        ):
            assert stock not in html
    if language == "es":
        assert "Configurar la autenticación en dos pasos" in pages[0]
        assert "Desactivar la autenticación en dos pasos" in pages[1]
        assert "Códigos restantes: 10 de 10." in pages[2]


def test_allauths_two_factor_index_leads_to_the_profile(cast):
    response = client_for(cast.member).get("/accounts/2fa/")
    assert response["Location"] == reverse("profile") + "#two-factor-title"


@pytest.mark.parametrize(
    ("template", "text"),
    [
        ("mfa/messages/totp_activated.txt", "Two-factor authentication is on."),
        ("mfa/messages/totp_deactivated.txt", "Two-factor authentication is off."),
        ("mfa/messages/recovery_codes_generated.txt", "Your recovery codes are ready."),
        ("account/messages/password_changed.txt", "Your password was changed."),
    ],
)
def test_the_flash_messages_after_security_changes_are_gestors(template, text):
    from django.template.loader import render_to_string

    assert text in render_to_string(template)
