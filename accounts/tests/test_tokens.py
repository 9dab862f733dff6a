"""API tokens on the profile page (X3): created after re-authentication, shown
once, stored hashed, revoked by their owner only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_user, token_hash
from conftest import client_for
from core.models import AuditEvent
from testsupport.auth import client_reauthenticate

pytestmark = pytest.mark.django_db


def test_creating_a_token_needs_a_recent_reauthentication(cast):
    response = client_for(cast.member).post(reverse("token_create"), {"name": "ci"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.exists()


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(cast):
    client = client_reauthenticate(client_for(cast.member), cast.member.user)
    client.post(reverse("token_create"), {"name": "deploy script"})
    first = client.get(reverse("profile")).content.decode()
    token = ApiToken.objects.get(user=cast.member.user)
    raw = first.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith("gst_")
    assert token.token_hash == token_hash(raw)
    assert raw not in {token.prefix, token.token_hash}
    assert api_token_user(raw) == cast.member.user
    assert raw not in client.get(reverse("profile")).content.decode()
    assert "deploy script" in client.get(reverse("profile")).content.decode()
    assert AuditEvent.objects.filter(kind="account.api_token_created").exists()


def test_a_token_name_too_long_is_refused_with_a_message(cast):
    client = client_reauthenticate(client_for(cast.member), cast.member.user)
    response = client.post(reverse("token_create"), {"name": "x" * 101}, follow=True)
    assert "at most 100 characters" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_and_it_stops_working(cast):
    token, raw = api_token_create(user=cast.member.user, name="ci")
    response = client_for(cast.member).post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_user(raw) is None
    assert AuditEvent.objects.filter(kind="account.api_token_revoked").exists()


def test_nobody_else_can_revoke_a_token(cast):
    token, raw = api_token_create(user=cast.member.user, name="ci")
    for role in ("legal_rep", "admin", "outsider"):
        response = client_for(getattr(cast, role)).post(reverse("token_revoke", args=[token.pk]))
        assert response.status_code == 404
    assert api_token_user(raw) == cast.member.user


def test_anonymous_revocation_is_sent_to_login(cast):
    token, _raw = api_token_create(user=cast.member.user, name="ci")
    response = client_for(None).post(reverse("token_revoke", args=[token.pk]))
    assert response["Location"].startswith(reverse("account_login"))


def test_revocation_is_post_only(cast):
    token, _raw = api_token_create(user=cast.member.user, name="ci")
    assert client_for(cast.member).get(reverse("token_revoke", args=[token.pk])).status_code == 405


def test_a_token_of_a_deactivated_user_does_not_work(cast):
    _token, raw = api_token_create(user=cast.member.user, name="ci")
    cast.member.user.is_active = False
    cast.member.user.save()
    assert api_token_user(raw) is None
