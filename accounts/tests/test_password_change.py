"""Password change (A5, ASVS 6.2, 7.4.3, 11.4.2) and the mailbox option."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import check_password
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from core.models import AuditEvent, OutboxEmail
from products.models import Mailbox
from testsupport.auth import client_reauthenticate
from testsupport.cast import TEST_PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("password_change")
NEW = "a quiet walk by the harbour"


@pytest.fixture(autouse=True)
def _clear_rate_limits():  # type: ignore[no-untyped-def]
    cache.clear()


@pytest.fixture
def user(cast):  # type: ignore[no-untyped-def]
    user = cast.member.user
    user.recovery_email = "max.private@example.org"
    user.save()
    return user


@pytest.fixture
def client(cast, user):  # type: ignore[no-untyped-def]
    return client_reauthenticate(client_for(cast.member), user)


def change(client, new: str = NEW, current: str = TEST_PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(URL, {"current_password": current, "new_password": new, **extra})


def test_anonymous_is_sent_to_login(cast):
    response = client_for(None).get(URL)
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["legal_rep", "admin", "accountant", "member", "outsider"])
def test_every_user_reaches_the_page(cast, role):
    membership = getattr(cast, role)
    client = client_reauthenticate(client_for(membership), membership.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "we recommend 15 or more" in response.content.decode()


def test_it_changes_the_password(client, user):
    response = change(client)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.filter(kind="account.password_changed", actor=user).exists()


def test_a_wrong_current_password_changes_nothing(client, user):
    response = change(client, current="not my password")
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_seven_characters_are_refused_and_eight_accepted(client, user):
    assert change(client, new="k7#pQ2z").status_code == 200
    assert change(client, new="k7#pQ2zw").status_code == 302


def test_a_common_password_is_refused(client, user):
    response = change(client, new="password123")
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_no_composition_rules_apply(client, user):
    assert change(client, new="only lower case letters here").status_code == 302


def test_a_long_password_is_kept_whole(client, user):
    """ASVS 6.2.9: 64+ characters accepted, no truncation."""
    long = "x" * 50 + "correct horse battery staple!" + "y" * 21
    assert len(long) == 100
    assert change(client, new=long).status_code == 302
    user.refresh_from_db()
    assert user.check_password(long)
    assert not user.check_password(long[:72])
    assert not user.check_password(long[:99])


def test_the_hash_is_argon2(client, user, settings):
    """ASVS 11.4.2"""
    from gestor import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = [
        production.PASSWORD_HASHERS[0],
        "django.contrib.auth.hashers.MD5PasswordHasher",  # the cast's fast test hash
    ]
    change(client)
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_other_sessions_end_and_this_one_stays_under_a_new_key(cast, user):
    """ASVS 7.4.3: two clients of the same user."""
    other = client_for(cast.member)
    assert other.get(reverse("profile")).status_code == 200
    client = client_reauthenticate(client_for(cast.member), user)
    client.get(reverse("profile"))
    key_before = client.session.session_key
    change(client)
    assert client.session.session_key != key_before
    assert client.get(reverse("profile")).status_code == 200
    rejected = other.get(reverse("profile"))
    assert rejected.status_code == 302
    assert rejected["Location"].startswith(reverse("account_login"))


def test_a_notice_goes_to_the_login_and_the_recovery_address(client, user):
    change(client)
    notices = OutboxEmail.objects.filter(template="account/email/password_changed")
    assert sorted(notices.values_list("to", flat=True)) == [
        "max.private@example.org",
        "max@example.test",
    ]


def test_the_current_password_in_the_form_is_the_reauthentication(cast, user):
    """One password prompt per action (A7): no separate confirm-access page, and
    the next sensitive action within the window is not asked again."""
    client = client_for(cast.member)
    assert client.get(URL).status_code == 200
    assert change(client)["Location"] == reverse("profile")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.post(reverse("token_create"), {"name": "next"})["Location"] == reverse("profile")


def test_a_wrong_current_password_is_no_reauthentication(cast, user):
    client = client_for(cast.member)
    assert change(client, current="not it").status_code == 200
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    token = client.post(reverse("token_create"), {"name": "next"})
    assert token["Location"].startswith(reverse("account_reauthenticate"))


def test_after_the_window_the_form_still_asks_only_its_own_password(cast, user):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = client_reauthenticate(client_for(cast.member), user)
        traveller.shift(timedelta(seconds=301))
        assert change(client)["Location"] == reverse("profile")
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_allauths_password_page_leads_here(client):
    assert client.get("/accounts/password/change/")["Location"] == URL


# --- Mailbox at the same address (A5) ----------------------------------------------


@pytest.fixture
def mailbox(cast, user) -> Mailbox:  # type: ignore[no-untyped-def]
    return Mailbox.objects.create(
        organization=cast.org, address="MAX@example.test", password_hash="old-hash"
    )


def test_the_mailbox_option_is_offered_only_with_a_mailbox(client, cast, user):
    assert "Also use this password for the mailbox" not in client.get(URL).content.decode()
    Mailbox.objects.create(organization=cast.org, address=user.email, password_hash="h")
    assert "Also use this password for the mailbox" in client.get(URL).content.decode()


def test_a_mailbox_in_an_organization_of_someone_else_is_not_offered(client, cast, user):
    Mailbox.objects.create(organization=cast.outsider.organization, address=user.email)
    assert "Also use this password for the mailbox" not in client.get(URL).content.decode()


def test_by_default_the_mailbox_keeps_its_password(client, mailbox):
    change(client)
    mailbox.refresh_from_db()
    assert mailbox.password_hash == "old-hash"


def test_the_mailbox_can_take_the_same_password(client, mailbox):
    change(client, mailbox="same")
    mailbox.refresh_from_db()
    assert check_password(NEW, mailbox.password_hash)
    assert AuditEvent.objects.filter(kind="products.mailbox_password_changed").exists()


def test_a_mailbox_failure_is_shown_and_the_account_password_still_changes(client, user, mailbox):
    long = "w" * 130
    response = change(client, new=long, mailbox="same")
    user.refresh_from_db()
    assert user.check_password(long)
    mailbox.refresh_from_db()
    assert mailbox.password_hash == "old-hash"
    page = client.get(response["Location"]).content.decode()
    assert "the mailbox password could not be changed" in page


def test_guessing_the_current_password_is_rate_limited(client, user):
    for _ in range(5):
        change(client, current="a guess")
    response = change(client)
    body = response.content.decode()
    assert "Too many attempts" in body
    assert "The password is not correct." not in body
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
