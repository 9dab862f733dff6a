"""The one place where Gestor reaches into allauth's internals.

allauth documents its adapter, forms, signals, models and settings; what Gestor
needs beyond them lives in ``allauth.*.internal`` modules that may change in any
release. Every such use goes through the functions below, and
``accounts/tests/test_allauth_bridge.py`` pins the behaviour Gestor relies on,
so an allauth upgrade that changes it fails there, in one place, instead of
somewhere in the rate limits, the re-authentication window or the password
change. Nothing else in Gestor imports an ``allauth...internal`` module (that
test checks it too).

What Gestor relies on:
- rate limits: the counters of ``ACCOUNT_RATE_LIMITS`` (``consume``), and for
  the login lock-out, reading and clearing the per-account ``login_failed``
  counters so the message can say how long to wait (A7);
- re-authentication: one window (``ACCOUNT_REAUTHENTICATION_TIMEOUT``) shared
  with allauth's own pages; a password typed into one of Gestor's forms counts
  as a re-authentication, exactly as allauth's "confirm access" page does;
- password change: allauth's finalisation (keeps this session under a new key,
  flash message, the notice e-mail to the login and recovery addresses, the
  ``password_changed`` signal).
"""

from __future__ import annotations

import math
import time
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.password_change import finalize_password_change
from allauth.account.internal.flows.reauthentication import (
    is_reauthentication_required,
    reauthenticate_by_password,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.core.exceptions import ReauthenticationRequired
from allauth.core.internal import ratelimit
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.http import HttpRequest

ACCOUNT_APP = "allauth.account"
# The "app" Gestor's own sensitive views pass to allauth's re-authentication check.
REAUTH_APP = "gestor"


# --- Rate limits (ACCOUNT_RATE_LIMITS) -----------------------------------------


def rate_limit_consume(
    request: HttpRequest, *, action: str, user: Any = None, key: str | None = None
) -> bool:
    """Count one attempt of ``action``; False when one of its rates is used up."""
    return bool(ratelimit.consume(request, app=ACCOUNT_APP, action=action, user=user, key=key))


def rate_limit_wait_seconds(request: HttpRequest, *, action: str, key: str) -> int:
    """Seconds until one more attempt of ``action`` for ``key`` is allowed (0: now),
    read from the same counters as allauth's own limit (per IP and per key)."""
    now = time.time()
    wait = 0.0
    for rate in ratelimit.get_rates(app=ACCOUNT_APP, action=action):
        cache_key = ratelimit.get_cache_key(
            request, app=ACCOUNT_APP, action=action, rate=rate, key=key
        )
        history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(history) >= rate.amount:
            # Newest first: the attempt that must expire before one more is allowed.
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def login_failed_key(request: HttpRequest, credentials: dict[str, Any]) -> str:
    """The per-account key of the ``login_failed`` limit for these credentials
    (allauth's adapter derives it; the method is private)."""
    return str(get_adapter(request)._get_login_attempts_cache_key(request, **credentials))


def rate_limit_reset_key(request: HttpRequest, *, action: str, key: str) -> None:
    """Forget the attempts of ``action`` counted for ``key`` (not those of the IP)."""
    for rate in ratelimit.get_rates(app=ACCOUNT_APP, action=action):
        if rate.per == "key":
            cache.delete(
                ratelimit.get_cache_key(request, app=ACCOUNT_APP, action=action, rate=rate, key=key)
            )


# --- Re-authentication (A7) --------------------------------------------------------


def reauthentication_is_recent(request: HttpRequest) -> bool:
    """True when the signed-in user re-authenticated within the window."""
    return not is_reauthentication_required(request, app=REAUTH_APP)


def reauthentication_require(request: HttpRequest) -> None:
    """Raise allauth's ``ReauthenticationRequired`` (its middleware sends the user
    to the re-authentication page and replays a suspended POST afterwards)."""
    if not reauthentication_is_recent(request):
        raise ReauthenticationRequired()


def reauthentication_record_password(request: HttpRequest) -> None:
    """The signed-in user just proved their password: record it as allauth's
    re-authentication page would, so the next sensitive action within the
    window does not ask again."""
    reauthenticate_by_password(request)


def session_record_reauthentication(
    session: SessionBase, user: AbstractBaseUser, *, at: float | None = None
) -> None:
    """Write a password re-authentication at ``at`` (default now) into ``session``
    without a request (tests, a session prepared outside a view)."""
    records = list(session.get(AUTHENTICATION_METHODS_SESSION_KEY) or [])
    records.append(
        {"method": "password", "at": time.time() if at is None else at, "reauthenticated": True}
    )
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    # allauth keeps the owner of the records next to them; a mismatch discards them.
    session[AUTHENTICATION_METHODS_SESSION_KEY + "_user"] = user_id_to_str(user)


# --- Password change (A5) ----------------------------------------------------------


def password_change_finalize(request: HttpRequest, user: AbstractBaseUser) -> None:
    """After the new password is saved: keep this session under a new key, add
    the flash message, e-mail the notice and send ``password_changed``."""
    finalize_password_change(request, user)
