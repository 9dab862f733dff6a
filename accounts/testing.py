"""Test helpers for account security, shared with the other apps' tests."""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.userkit import user_id_to_str
from django.test import Client

from accounts.models import User

# allauth keeps the owner of the records next to them; a mismatch discards them.
_RECORDS_USER_KEY = AUTHENTICATION_METHODS_SESSION_KEY + "_user"


def client_reauthenticate(client: Client, user: User, *, at: float | None = None) -> Client:
    """Mark ``client``'s session as re-authenticated by password (at ``at``,
    default now), as allauth's re-authentication page does."""
    session = client.session
    records = list(session.get(AUTHENTICATION_METHODS_SESSION_KEY) or [])
    records.append(
        {"method": "password", "at": time.time() if at is None else at, "reauthenticated": True}
    )
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_RECORDS_USER_KEY] = user_id_to_str(user)
    session.save()
    return client
