"""Error pages are Gestor's own, in the user's language (no technical pages)."""

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for


@pytest.fixture(autouse=True)
def _no_debug(settings):
    settings.DEBUG = False


def test_a_missing_page_gets_the_panel_404(cast):
    response = client_for(cast.member).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert cast.org.name in response.content.decode()  # the panel layout, with the switcher


def test_a_forbidden_page_explains_who_can_grant_the_right(cast):
    response = client_for(cast.member).get(reverse("orgs:members"))
    assert response.status_code == 403
    assert "legal representative" in response.content.decode()


def _refusal(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="refusal-reason">') + len('data-testid="refusal-reason">')
    return unescape(html[start : html.index("</p>", start)])


def test_an_administrator_refused_the_organization_edit_is_not_told_an_administrator_can_grant_it(
    cast,
):
    """O4: only legal representatives edit the organization; an administrator cannot give that."""
    response = client_for(cast.admin).get(reverse("orgs:edit"))
    assert response.status_code == 403
    reason = _refusal(response)
    assert "Only the organization's legal representatives can do this." in reason
    assert "administrator" not in reason


def test_a_member_refused_the_members_page_is_told_who_manages_users(cast):
    reason = _refusal(client_for(cast.member).get(reverse("orgs:members")))
    assert "legal representatives and administrators" in reason


def test_a_member_refused_the_invoices_is_told_about_the_accounting_permission(cast):
    reason = _refusal(client_for(cast.member).get(reverse("invoices")))
    assert "Accounting permission" in reason


def test_the_403_reason_is_translated(cast):
    cast.admin.user.language = "es"
    cast.admin.user.save()
    reason = _refusal(client_for(cast.admin).get(reverse("orgs:edit")))
    assert "responsables legales" in reason


def test_the_403_page_is_translated(cast):
    cast.member.user.language = "es"
    cast.member.user.save()
    response = client_for(cast.member).get(reverse("orgs:members"))
    assert "Acceso denegado" in response.content.decode()


def test_a_stale_form_token_gets_a_readable_page(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member.user)
    response = client.post(reverse("language"), {"language": "es"})
    assert response.status_code == 403
    assert "cookies" in response.content.decode()


def test_login_lands_in_the_organization_used_last(cast):
    from django.utils import timezone

    from testsupport.cast import MembershipFactory

    later = MembershipFactory(user=cast.member.user, organization__name="Zeta Org")
    later.last_seen_at = timezone.now()
    later.save()
    client = Client()
    client.force_login(cast.member.user)
    assert "Zeta Org" in client.get(reverse("dashboard")).content.decode()
