"""Test helpers for account security, shared with the other apps' tests."""

from __future__ import annotations

import time

from django.test import Client

from accounts.allauth_bridge import session_record_reauthentication
from accounts.models import User


def client_reauthenticate(client: Client, user: User, *, at: float | None = None) -> Client:
    """Mark ``client``'s session as re-authenticated by password (at ``at``,
    default now), as allauth's re-authentication page does."""
    session = client.session
    session_record_reauthentication(session, user, at=at)
    session.save()
    return client


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The authenticator app's current code for ``secret`` (RFC 6238, as allauth checks it)."""
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def totp_enable(user: User) -> str:
    """Give ``user`` an authenticator app and recovery codes; returns the TOTP secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret
