"""Login: brute-force lock-out (A7, ASVS 6.3.1), audit events, second factor,
and password reset that ends every session without bypassing it (A6, ASVS 6.4.3)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import client_for
from core.models import AuditEvent, OutboxEmail
from testsupport.auth import totp_code, totp_enable
from testsupport.cast import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


@pytest.fixture(autouse=True)
def _clear_rate_limits():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def login(client: Client, email: str, password: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"login": email, "password": password}, headers=headers)


def test_a_correct_login_is_audited_with_ip_and_user_agent(cast):
    response = login(Client(), "max@example.test", TEST_PASSWORD, user_agent="Firefox/140")
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind="account.logged_in")
    assert event.actor == cast.member.user
    assert (event.ip, event.user_agent) == ("127.0.0.1", "Firefox/140")


def test_a_failed_login_is_audited(cast):
    login(Client(), "max@example.test", "wrong")
    event = AuditEvent.objects.get(kind="account.login_failed")
    assert event.actor == cast.member.user
    assert event.data["email"] == "max@example.test"


def test_the_account_locks_after_five_failures_and_says_for_how_long(cast):
    """ASVS 6.3.1"""
    client = Client()
    for _ in range(5):
        assert login(client, "max@example.test", "wrong").status_code == 200
    response = login(client, "max@example.test", TEST_PASSWORD)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again in 5 minutes." in body
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind="account.login_locked_out").exists()


def test_the_lock_out_counts_the_account_in_any_letter_case(cast):
    for _ in range(5):
        login(Client(), "MAX@example.test", "wrong")
    response = login(Client(), "max@EXAMPLE.test", TEST_PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()


def test_a_successful_login_resets_the_accounts_count(cast):
    client = Client()
    for _ in range(4):
        login(client, "max@example.test", "wrong")
    assert login(client, "max@example.test", TEST_PASSWORD).status_code == 302
    other = Client()
    for _ in range(4):
        login(other, "max@example.test", "wrong")
    assert login(other, "max@example.test", TEST_PASSWORD).status_code == 302


def test_one_ip_is_limited_across_accounts(cast):
    client = Client()
    for i in range(10):
        login(client, f"nobody{i}@example.test", "wrong")
    response = login(client, "adam@example.test", TEST_PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()


def test_behind_a_trusted_proxy_each_client_ip_counts_on_its_own(cast, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client()
    for i in range(10):
        login(client, f"nobody{i}@example.test", "wrong", x_forwarded_for="203.0.113.7")
    response = login(client, "adam@example.test", TEST_PASSWORD, x_forwarded_for="198.51.100.2")
    assert response.status_code == 302
    locked = login(Client(), "adam@example.test", "wrong", x_forwarded_for="203.0.113.7")
    assert "Too many failed login attempts" in locked.content.decode()


def test_the_login_asks_for_the_second_factor(cast):
    user = cast.member.user
    secret = totp_enable(user)
    client = Client()
    response = login(client, user.email, TEST_PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("mfa_authenticate"), headers={"accept-language": "de"})
    assert "Code aus Ihrer Authenticator-App" in page.content.decode()  # Gestor's page
    assert "Two-Factor Authentication" not in page.content.decode()
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_second_factor_does_not_log_in(cast):
    user = cast.member.user
    totp_enable(user)
    client = Client()
    login(client, user.email, TEST_PASSWORD)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind="account.two_factor_failed").exists()


def test_a_recovery_code_logs_in_and_notices_go_out(cast):
    from allauth.mfa.models import Authenticator

    user = cast.member.user
    user.recovery_email = "max.private@example.org"
    user.save()
    totp_enable(user)
    codes = (
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    client = Client()
    login(client, user.email, TEST_PASSWORD)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEvent.objects.filter(kind="account.recovery_code_used").exists()
    notices = OutboxEmail.objects.filter(template="accounts/email/recovery_code_used")
    assert sorted(notices.values_list("to", flat=True)) == [
        "max.private@example.org",
        "max@example.test",
    ]


# --- Password reset (A6) -----------------------------------------------------------


def reset(email: str, new: str) -> Client:
    client = Client()
    client.post(reverse("account_reset_password"), {"email": email})
    message = OutboxEmail.objects.filter(to=email).latest("id")
    url = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body_text)
    assert url, message.body_text
    form_url = client.get(url.group(1))["Location"]
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302, response.content
    return client


def test_a_reset_ends_every_session(cast):
    user = cast.member.user
    logged_in = client_for(cast.member)
    assert logged_in.get(reverse("profile")).status_code == 200
    reset(user.email, "a brand new long password")
    assert logged_in.get(reverse("profile"))["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(kind="account.password_reset", actor=user).exists()


def test_a_reset_does_not_bypass_the_second_factor(cast):
    """ASVS 6.4.3"""
    user = cast.member.user
    totp_enable(user)
    client = reset(user.email, "a brand new long password")
    assert "_auth_user_id" not in client.session
    response = login(client, user.email, "a brand new long password")
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
