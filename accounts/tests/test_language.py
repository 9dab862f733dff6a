"""Language switch (X1): a signed-in user's choice is saved on the account and
used on every following request; visitors keep it in a cookie."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from conftest import client_for
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("language")


def test_the_choice_is_saved_on_the_account_and_used_on_the_next_request(cast):
    client = client_for(cast.member)
    response = client.post(URL, {"language": "es", "next": "/products/"})
    assert response.status_code == 302
    assert response["Location"] == "/products/"
    cast.member.user.refresh_from_db()
    assert cast.member.user.language == "es"
    page = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="es">' in page
    assert AuditEvent.objects.filter(kind="account.profile_updated").exists()


def test_the_saved_language_wins_over_the_browser_and_follows_the_user_to_a_new_session(cast):
    client_for(cast.member).post(URL, {"language": "de"})
    fresh = client_for(cast.member)
    page = fresh.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="de">' in page


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant", "member", "outsider"])
def test_every_role_may_change_their_language(cast, role):
    client_for(getattr(cast, role)).post(URL, {"language": "it"})
    assert User.objects.get(pk=cast.user(role).pk).language == "it"


def test_a_visitor_gets_a_cookie_and_the_public_pages_in_that_language(client, db):
    response = client.post(URL, {"language": "fr", "next": reverse("account_login")})
    assert response.cookies["django_language"].value == "fr"
    page = client.get(reverse("account_login")).content.decode()
    assert '<html lang="fr">' in page


def test_an_unknown_language_is_refused_without_error(cast):
    client = client_for(cast.member)
    response = client.post(URL, {"language": "xx"})
    assert response.status_code == 302
    cast.member.user.refresh_from_db()
    assert cast.member.user.language == "en"


def test_an_offsite_next_is_ignored(cast):
    response = client_for(cast.member).post(
        URL, {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_language_switch_is_post_only(client, db):
    assert client.get(URL).status_code == 405


def test_the_signed_in_message_is_in_the_accounts_language(db):
    from django.test import Client

    from testsupport.cast import TEST_PASSWORD, UserFactory

    UserFactory(email="eva@example.test", language="es")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        reverse("account_login"),
        {"login": "eva@example.test", "password": TEST_PASSWORD},
        follow=True,
    )
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "Successfully signed in" not in page
