"""The behaviour of allauth that Gestor relies on, pinned through the one module
that reaches into allauth's internals (accounts/allauth_bridge.py; issue 8).

An allauth upgrade that changes any of this fails here first."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest
import time_machine
from allauth.account.signals import password_changed
from allauth.core.context import request_context
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib.auth import SESSION_KEY, get_user
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts import allauth_bridge as bridge
from conftest import client_for
from core.models import OutboxEmail
from testsupport.cast import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NOT_PRODUCT_CODE = {".venv", "var", "node_modules", "browser_tests"}


@pytest.fixture(autouse=True)
def _clear_rate_limits():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _internal_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        if any(n.startswith("allauth") and ".internal" in n for n in names):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_only_the_bridge_imports_allauth_internals():
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & NOT_PRODUCT_CODE or "tests" in parts or path.name == "allauth_bridge.py":
            continue
        if parts & {"testsupport"} and path.name != "auth.py":
            continue
        offenders += _internal_imports(path)
    # testsupport/auth.py computes authenticator codes as an app would: test-only.
    offenders = [o for o in offenders if not o.startswith("testsupport/")]
    assert offenders == []


# --- Rate limits ---------------------------------------------------------------------


def _request(user=None):  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    request.user = user
    return request


def test_a_rate_limit_refuses_the_attempt_past_its_amount(cast):
    """ACCOUNT_RATE_LIMITS["change_password"] is 5 per minute per user."""
    user = cast.member.user
    allowed = [
        bridge.rate_limit_consume(_request(user), action="change_password", user=user)
        for _ in range(6)
    ]
    assert allowed == [True] * 5 + [False]


def test_the_rate_limit_window_passes(cast):
    user = cast.member.user
    with time_machine.travel(time.time(), tick=False) as traveller:
        for _ in range(5):
            bridge.rate_limit_consume(_request(user), action="change_password", user=user)
        traveller.shift(61)
        assert bridge.rate_limit_consume(_request(user), action="change_password", user=user)


def test_the_login_lock_out_wait_is_read_from_allauths_own_counters(cast):
    """Five failed logins through allauth's page ("5/5m/key") lock the account;
    the bridge reads how long, then forgets the account's count (not the IP's)."""
    client = Client()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "max@example.test", "password": "x"})
    request = _request()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    key = bridge.login_failed_key(request, {"email": "max@example.test", "password": "x"})
    wait = bridge.rate_limit_wait_seconds(request, action="login_failed", key=key)
    assert 290 <= wait <= 300
    bridge.rate_limit_reset_key(request, action="login_failed", key=key)
    assert bridge.rate_limit_wait_seconds(request, action="login_failed", key=key) == 0


# --- Re-authentication ---------------------------------------------------------------


def _signed_in(client: Client):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = get_user(request)
    return request


def test_a_fresh_login_is_not_a_recent_reauthentication(cast):
    client = Client()
    client.post(reverse("account_login"), {"login": "max@example.test", "password": TEST_PASSWORD})
    assert SESSION_KEY in client.session
    assert not bridge.reauthentication_is_recent(_signed_in(client))


def test_a_recorded_password_is_a_reauthentication_for_the_window_only(cast):
    client = client_for(cast.member)
    with time_machine.travel(time.time(), tick=False) as traveller:
        request = _signed_in(client)
        bridge.reauthentication_record_password(request)
        assert bridge.reauthentication_is_recent(request)
        traveller.shift(299)
        assert bridge.reauthentication_is_recent(request)
        traveller.shift(2)
        assert not bridge.reauthentication_is_recent(request)


def test_a_reauthentication_written_into_the_session_counts_like_one_from_a_request(cast):
    client = client_for(cast.member)
    session = client.session
    bridge.session_record_reauthentication(session, cast.member.user)
    session.save()
    assert bridge.reauthentication_is_recent(_signed_in(client))


def test_without_a_recent_reauthentication_allauths_middleware_sends_to_its_page(cast):
    """reauthentication_require raises what allauth's middleware turns into a redirect."""
    with pytest.raises(ReauthenticationRequired):
        bridge.reauthentication_require(_signed_in(client_for(cast.member)))


# --- Password change -----------------------------------------------------------------


def test_finalising_a_password_change_keeps_the_session_sends_the_notice_and_the_signal(cast):
    user = cast.member.user
    client = client_for(cast.member)
    request = _signed_in(client)
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    received = []
    password_changed.connect(lambda **kw: received.append(kw["user"]), weak=False, dispatch_uid="t")
    try:
        user.set_password("A brand new passphrase 77")
        user.save()
        with request_context(request):  # what allauth's middleware sets for a view
            bridge.password_change_finalize(request, user)
    finally:
        password_changed.disconnect(dispatch_uid="t")
    assert received == [user]
    assert request.session[SESSION_KEY] == str(user.pk)
    assert OutboxEmail.objects.filter(
        to=user.email, template="account/email/password_changed"
    ).exists()
