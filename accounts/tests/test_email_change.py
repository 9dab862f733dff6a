"""Change of the login e-mail address (A3, ASVS 7.5.1, 6.3.7) and the
recovery e-mail address (A4), through the profile pages and the link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailChangeRequest, User
from conftest import client_for
from core.models import AuditEvent, OutboxEmail
from testsupport.auth import client_reauthenticate
from testsupport.cast import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login_email_change")
RECOVERY_URL = reverse("recovery_email_change")


@pytest.fixture(autouse=True)
def _clear_rate_limits():  # type: ignore[no-untyped-def]
    cache.clear()


@pytest.fixture
def user(cast) -> User:  # type: ignore[no-untyped-def]
    user = cast.member.user
    user.recovery_email = "max.private@example.org"
    user.save()
    return user


@pytest.fixture
def client(cast, user):  # type: ignore[no-untyped-def]
    return client_reauthenticate(client_for(cast.member), user)


def ask(client, new_email: str, password: str = TEST_PASSWORD, url: str = LOGIN_URL):  # type: ignore[no-untyped-def]
    return client.post(url, {"new_email": new_email, "password": password})


def link_token(to: str) -> str:
    email = OutboxEmail.objects.filter(to=to).latest("id")
    match = re.search(r"/email/confirm/([^/\s]+)/", email.body_text)
    assert match, email.body_text
    return match.group(1)


def confirm_url(token: str) -> str:
    return reverse("email_change_confirm", args=[token])


# --- Access ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN_URL, RECOVERY_URL])
def test_anonymous_is_sent_to_login(cast, url):
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant", "member", "outsider"])
def test_every_user_reaches_their_own_page(cast, role):
    membership = getattr(cast, role)
    client = client_reauthenticate(client_for(membership), membership.user)
    assert client.get(LOGIN_URL).status_code == 200
    assert client.get(RECOVERY_URL).status_code == 200


def test_the_form_opens_without_a_separate_confirm_access_page(cast, user):
    """One password prompt per action (A7): the form asks for the password itself."""
    response = client_for(cast.member).get(LOGIN_URL)
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


@pytest.mark.parametrize("url", [LOGIN_URL, RECOVERY_URL])
def test_the_password_in_the_form_is_the_reauthentication(cast, user, url):
    """No earlier re-authentication: the password typed in the form suffices, and
    the next sensitive action within the window (an API token) is not asked again."""
    client = client_for(cast.member)
    assert ask(client, "new@example.org", url=url)["Location"] == reverse("profile")
    assert EmailChangeRequest.objects.filter(user=user, new_email="new@example.org").exists()
    token = client.post(reverse("token_create"), {"name": "next"})
    assert token["Location"] == reverse("profile")


def test_a_wrong_password_is_no_reauthentication(cast, user):
    client = client_for(cast.member)
    assert ask(client, "new@example.org", password="not it").status_code == 200
    assert not EmailChangeRequest.objects.exists()
    token = client.post(reverse("token_create"), {"name": "next"})
    assert token["Location"].startswith(reverse("account_reauthenticate"))


def test_a_request_after_the_window_still_only_needs_the_password_in_the_form(cast, user):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_reauthenticate(client_for(cast.member), user)
        traveller.shift(timedelta(seconds=301))
        response = ask(client, "new@example.org", password="not it")
        assert response.status_code == 200
        assert not EmailChangeRequest.objects.exists()
        assert ask(client, "new@example.org")["Location"] == reverse("profile")
    assert EmailChangeRequest.objects.filter(new_email="new@example.org").exists()


# --- Request ------------------------------------------------------------------------


def test_it_sends_a_link_to_the_new_address_and_changes_nothing_yet(client, user):
    response = ask(client, "Max.New@Example.org")
    assert response.status_code == 302
    change = EmailChangeRequest.objects.get(user=user)
    assert change.new_email == "max.new@example.org"
    assert change.expires_at - change.created_at == timedelta(days=3)
    assert OutboxEmail.objects.filter(to="max.new@example.org").count() == 1
    user.refresh_from_db()
    assert user.email == "max@example.test"
    assert AuditEvent.objects.filter(kind="account.email_change_requested").exists()


def test_the_token_is_stored_only_as_a_hash(client, user):
    ask(client, "max.new@example.org")
    token = link_token("max.new@example.org")
    assert EmailChangeRequest.objects.get().token_hash != token
    assert token not in EmailChangeRequest.objects.get().token_hash


def test_a_wrong_password_stores_nothing_and_sends_nothing(client, user):
    """ASVS 7.5.1"""
    response = ask(client, "max.new@example.org", password="wrong password")
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    assert not EmailChangeRequest.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_a_wrong_password_does_not_reveal_that_the_address_is_taken(client, cast):
    response = ask(client, cast.admin.user.email, password="wrong password")
    body = response.content.decode()
    assert "The password is not correct." in body
    assert "another account" not in body


def test_another_accounts_login_is_refused_in_any_letter_case(client, cast):
    response = ask(client, "ADAM@example.TEST")
    body = response.content.decode()
    assert response.status_code == 200
    assert "already the login of another account" in body
    assert "invite it into your organization" in body
    assert not EmailChangeRequest.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_the_recovery_address_is_refused_as_login(client, user):
    response = ask(client, "MAX.PRIVATE@example.org")
    assert "must differ from the recovery e-mail address" in response.content.decode()
    assert not EmailChangeRequest.objects.exists()


def test_refusals_are_rate_limited(client, cast):
    for _ in range(10):
        ask(client, "adam@example.test")
    response = ask(client, "free@example.org")
    assert "Too many attempts" in response.content.decode()
    assert not EmailChangeRequest.objects.exists()


def test_a_newer_request_revokes_the_older_one(client, user):
    ask(client, "first@example.org")
    first = link_token("first@example.org")
    ask(client, "second@example.org")
    response = client.post(confirm_url(first))
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == "max@example.test"


# --- Confirmation -------------------------------------------------------------------


def test_a_get_on_the_link_only_shows_a_confirm_button(client, user):
    ask(client, "max.new@example.org")
    response = client_for(None).get(confirm_url(link_token("max.new@example.org")))
    assert response.status_code == 200
    assert b'method="post"' in response.content
    user.refresh_from_db()
    assert user.email == "max@example.test"
    assert EmailChangeRequest.objects.get().used_at is None


def test_the_post_changes_the_login_and_allauths_address(client, user):
    ask(client, "max.new@example.org")
    response = client_for(None).post(confirm_url(link_token("max.new@example.org")))
    assert response.status_code == 200
    assert "From now on, log in with this address." in response.content.decode()
    user.refresh_from_db()
    assert user.email == "max.new@example.org"
    addresses = list(
        EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified")
    )
    assert addresses == [("max.new@example.org", True, True)]
    assert AuditEvent.objects.filter(kind="account.login_email_changed").exists()


def test_the_old_and_the_recovery_address_are_told(client, user):
    """ASVS 6.3.7"""
    ask(client, "max.new@example.org")
    client.post(confirm_url(link_token("max.new@example.org")))
    notices = OutboxEmail.objects.filter(template="accounts/email/login_email_changed")
    assert sorted(notices.values_list("to", flat=True)) == [
        "max.private@example.org",
        "max@example.test",
    ]
    assert "max.new@example.org" in notices.first().body_text  # type: ignore[union-attr]


def test_the_new_address_logs_in_afterwards_and_the_old_one_does_not(client, user):
    ask(client, "max.new@example.org")
    client.post(confirm_url(link_token("max.new@example.org")))
    fresh = client_for(None)
    old = fresh.post(
        reverse("account_login"), {"login": "max@example.test", "password": TEST_PASSWORD}
    )
    assert old.status_code == 200
    new = fresh.post(
        reverse("account_login"), {"login": "max.new@example.org", "password": TEST_PASSWORD}
    )
    assert new.status_code == 302


def test_a_used_link_is_refused(client, user):
    ask(client, "max.new@example.org")
    token = link_token("max.new@example.org")
    client.post(confirm_url(token))
    again = client.post(confirm_url(token))
    assert again.status_code == 400
    assert client.get(confirm_url(token)).status_code == 404


def test_an_expired_link_is_refused(client, user):
    ask(client, "max.new@example.org")
    token = link_token("max.new@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=3, seconds=1)):
        response = client.post(confirm_url(token))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email == "max@example.test"


def test_an_unknown_link_is_refused(client, user):
    assert client_for(None).post(confirm_url("not-a-token")).status_code == 400


def test_an_address_taken_meanwhile_is_refused_at_confirmation(client, user):
    ask(client, "max.new@example.org")
    token = link_token("max.new@example.org")
    UserFactory(email="max.new@example.org")
    response = client.post(confirm_url(token))
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == "max@example.test"


# --- Recovery e-mail (A4) ------------------------------------------------------------


def test_the_recovery_address_is_set_after_confirmation(client, user):
    ask(client, "max.other@example.org", url=RECOVERY_URL)
    client.post(confirm_url(link_token("max.other@example.org")))
    user.refresh_from_db()
    assert user.recovery_email == "max.other@example.org"
    notices = OutboxEmail.objects.filter(template="accounts/email/recovery_email_changed")
    assert sorted(notices.values_list("to", flat=True)) == [
        "max.private@example.org",
        "max@example.test",
    ]


def test_the_recovery_address_must_differ_from_the_login(client, user):
    response = ask(client, "MAX@example.test", url=RECOVERY_URL)
    assert "must differ from the login e-mail address" in response.content.decode()
    assert not EmailChangeRequest.objects.exists()


def test_the_recovery_address_needs_the_password(client, user):
    ask(client, "max.other@example.org", password="nope", url=RECOVERY_URL)
    assert not EmailChangeRequest.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_the_recovery_address_can_be_removed(client, user):
    response = client.post(reverse("recovery_email_remove"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.recovery_email == ""
    assert OutboxEmail.objects.filter(to="max.private@example.org").exists()


def test_removing_the_recovery_address_needs_reauthentication(cast, user):
    response = client_for(cast.member).post(reverse("recovery_email_remove"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    user.refresh_from_db()
    assert user.recovery_email == "max.private@example.org"


def test_removing_the_recovery_address_sends_anonymous_to_login(cast):
    response = client_for(None).post(reverse("recovery_email_remove"))
    assert response["Location"].startswith(reverse("account_login"))


def test_allauths_email_page_leads_to_the_profile(client):
    assert client.get("/accounts/email/")["Location"] == reverse("profile")


def test_guessing_the_password_is_rate_limited(client, user):
    for _ in range(10):
        ask(client, "max.new@example.org", password="a guess")
    response = ask(client, "max.new@example.org")
    body = response.content.decode()
    assert "Too many attempts" in body
    assert "The password is not correct." not in body
    assert not EmailChangeRequest.objects.exists()
