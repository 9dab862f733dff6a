"""Active sessions on the profile page (A7): device, IP, last seen; log out
one or all others, after re-authentication."""

from __future__ import annotations

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from core.models import AuditEvent
from testsupport.auth import client_reauthenticate
from testsupport.cast import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROFILE = reverse("profile")


def browser_login(email: str, agent: str) -> Client:
    client = Client(headers={"user-agent": agent})
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def two(cast):  # type: ignore[no-untyped-def]
    laptop = browser_login("max@example.test", "Firefox on the laptop")
    phone = browser_login("max@example.test", "Safari on the phone")
    client_reauthenticate(laptop, cast.member.user)
    return laptop, phone


def test_the_profile_lists_the_sessions_with_device_ip_and_last_seen(two):
    laptop, _phone = two
    body = laptop.get(PROFILE).content.decode()
    assert "Firefox on the laptop" in body
    assert "Safari on the phone" in body
    assert "127.0.0.1" in body
    assert "This session" in body


def test_one_session_can_be_logged_out(cast, two):
    laptop, phone = two
    other = UserSession.objects.get(user_agent="Safari on the phone")
    response = laptop.post(reverse("session_end", args=[other.pk]))
    assert response.status_code == 302
    assert phone.get(PROFILE)["Location"].startswith(reverse("account_login"))
    assert laptop.get(PROFILE).status_code == 200
    assert AuditEvent.objects.filter(kind="account.session_ended").exists()


def test_all_other_sessions_can_be_logged_out(cast, two):
    laptop, phone = two
    laptop.post(reverse("sessions_end_others"))
    assert phone.get(PROFILE)["Location"].startswith(reverse("account_login"))
    assert laptop.get(PROFILE).status_code == 200
    assert UserSession.objects.filter(user=cast.member.user).count() == 1


def test_ending_a_session_needs_reauthentication(cast):
    phone = browser_login("max@example.test", "Safari on the phone")
    laptop = browser_login("max@example.test", "Firefox on the laptop")
    other = UserSession.objects.get(user_agent="Safari on the phone")
    response = laptop.post(reverse("session_end", args=[other.pk]))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert phone.get(PROFILE).status_code == 200
    response = laptop.post(reverse("sessions_end_others"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_another_users_session_is_not_found(cast, two):
    theirs = browser_login("adam@example.test", "Edge")
    session = UserSession.objects.get(user=cast.admin.user)
    laptop, _phone = two
    assert laptop.post(reverse("session_end", args=[session.pk])).status_code == 404
    assert theirs.get(PROFILE).status_code == 200


def test_the_current_session_is_not_ended_from_the_list(cast, two):
    laptop, _phone = two
    mine = UserSession.objects.get(user_agent="Firefox on the laptop")
    laptop.post(reverse("session_end", args=[mine.pk]))
    assert laptop.get(PROFILE).status_code == 200


@pytest.mark.parametrize("name", ["sessions_end_others"])
def test_anonymous_is_sent_to_login(cast, name):
    response = client_for(None).post(reverse(name))
    assert response["Location"].startswith(reverse("account_login"))
    response = client_for(None).post(reverse("session_end", args=[1]))
    assert response["Location"].startswith(reverse("account_login"))


def test_allauths_sessions_page_leads_to_the_profile(cast):
    response = client_for(cast.member).post("/accounts/sessions/", {"action": "logout"})
    assert response["Location"] == reverse("profile") + "#sessions-title"


WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(captured: CaptureQueriesContext) -> list[str]:
    queries = captured.captured_queries
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_a_page_view_right_after_another_writes_nothing(cast):
    """Issue 9: the session's activity is recorded once, not on every request."""
    client = browser_login("max@example.test", "Firefox on the laptop")
    client.get(PROFILE)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PROFILE).status_code == 200
    assert _writes(captured) == []


def test_activity_is_recorded_again_after_the_interval(cast, settings):
    settings.USERSESSIONS_ACTIVITY_INTERVAL = 300
    with time_machine.travel("2026-03-02 10:00:00+00:00", tick=False):
        client = browser_login("max@example.test", "Firefox on the laptop")
        client.get(PROFILE)
    first = UserSession.objects.get(user=cast.member.user).last_seen_at
    with time_machine.travel("2026-03-02 10:04:00+00:00", tick=False):
        client.get(PROFILE)
    assert UserSession.objects.get(user=cast.member.user).last_seen_at == first
    with time_machine.travel("2026-03-02 10:06:00+00:00", tick=False):
        client.get(PROFILE)
    seen = UserSession.objects.get(user=cast.member.user).last_seen_at
    assert timezone.localtime(seen).minute == 6


def test_a_new_ip_or_browser_is_recorded_at_once(cast):
    client = browser_login("max@example.test", "Firefox on the laptop")
    client.get(PROFILE)
    client.get(PROFILE, headers={"user-agent": "Firefox on the new laptop"})
    assert UserSession.objects.get(user=cast.member.user).user_agent == "Firefox on the new laptop"
    client.get(PROFILE, REMOTE_ADDR="10.1.2.3", headers={"user-agent": "Firefox on the new laptop"})
    assert UserSession.objects.get(user=cast.member.user).ip == "10.1.2.3"
