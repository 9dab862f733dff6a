"""Error pages are Gestor's own, in the user's language (no technical pages)."""

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
