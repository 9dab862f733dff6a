"""allauth's account adapter with the sign-up flow (A1): ``accounts`` bridges allauth
to Gestor, and this adds what a sign-up does across accounts and orgs."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from accounts.adapter import AccountAdapter
from accounts.models import User
from flows.signup import signup_complete, signup_is_invited
from orgs.access import INVITATION_SESSION_KEY


def _invitation_key(request: HttpRequest) -> str:
    """The key of the invitation link the visitor opened, if any (orgs.views keeps it)."""
    session = getattr(request, "session", None)
    return str(session.get(INVITATION_SESSION_KEY) or "") if session is not None else ""


class PanelAccountAdapter(AccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:  # type: ignore[override]
        if not commit:
            return super().save_user(request, user, form, commit=False)
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            signup_complete(user=user, invitation_key=_invitation_key(request))
        return user

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        # O3: the invitation link reached this address, which proves it.
        return super().is_email_verified(request, email) or signup_is_invited(
            invitation_key=_invitation_key(request), email=email
        )
