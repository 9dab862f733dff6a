"""The re-authentication decorator (A7, ASVS 6.3): one window of 300 s for
every sensitive action. Exercised through token creation, which uses it."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.urls import reverse

from accounts.models import ApiToken
from conftest import client_for
from testsupport.auth import client_reauthenticate
from testsupport.cast import TEST_PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("token_create")


def test_anonymous_is_sent_to_login(cast):
    response = client_for(None).post(URL, {"name": "ci"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_without_recent_reauthentication_the_user_is_sent_to_reauthenticate(cast):
    client = client_for(cast.member)
    response = client.post(URL, {"name": "ci"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.filter(user=cast.member.user).exists()


def test_a_recent_reauthentication_lets_the_action_through(cast):
    client = client_reauthenticate(client_for(cast.member), cast.member.user)
    response = client.post(URL, {"name": "ci"})
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert ApiToken.objects.filter(user=cast.member.user, name="ci").exists()


def test_the_action_is_refused_after_the_window(cast):
    with time_machine.travel(time.time(), tick=False) as traveller:
        client = client_reauthenticate(client_for(cast.member), cast.member.user)
        traveller.shift(301)
        response = client.post(URL, {"name": "ci"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.filter(user=cast.member.user).exists()


def test_the_action_is_allowed_just_inside_the_window(cast):
    with time_machine.travel(time.time(), tick=False) as traveller:
        client = client_reauthenticate(client_for(cast.member), cast.member.user)
        traveller.shift(299)
        client.post(URL, {"name": "ci"})
    assert ApiToken.objects.filter(user=cast.member.user).exists()


def test_the_suspended_post_is_replayed_after_reauthenticating_with_the_password(cast):
    client = client_for(cast.member)
    first = client.post(URL, {"name": "replayed"})
    response = client.post(first["Location"], {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert ApiToken.objects.filter(user=cast.member.user, name="replayed").exists()


def test_a_wrong_password_on_the_reauthentication_page_does_not_replay(cast):
    client = client_for(cast.member)
    first = client.post(URL, {"name": "replayed"})
    response = client.post(first["Location"], {"password": "not the password"})
    assert response.status_code == 200
    assert not ApiToken.objects.filter(user=cast.member.user).exists()


def test_the_confirm_page_has_the_panels_layout_and_gestors_wording(cast):
    client = client_for(cast.member)
    response = client.get(client.post(URL, {"name": "ci"})["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="sidebar"' in html and 'id="user-menu"' in html  # the panel, not the entrance
    assert "Confirm that it is you" in html
    assert "Confirm Access" not in html  # allauth's stock page


def test_the_confirm_page_is_in_the_users_language(cast):
    cast.member.user.language = "es"
    cast.member.user.save()
    client = client_for(cast.member)
    html = client.get(client.post(URL, {"name": "ci"})["Location"]).content.decode()
    assert "Confirme que es usted" in html
    assert 'lang="es"' in html
