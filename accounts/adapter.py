from __future__ import annotations

import math
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.forms import ValidationError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import ngettext

from accounts.allauth_bridge import (
    login_failed_key,
    rate_limit_reset_key,
    rate_limit_wait_seconds,
)
from accounts.models import User, normalize_email
from core.audit import AuditKind, audit_record
from core.outbox import email_enqueue_message

_LOGIN_FAILED = "login_failed"


def login_lockout_seconds(request: HttpRequest, cache_key: str) -> int:
    """A7: how long until a login attempt for ``cache_key`` is allowed again (0: now).

    Reads the same counters as allauth's ``login_failed`` rate limit (per IP and
    per account), so the message tells the real wait.
    """
    return rate_limit_wait_seconds(request, action=_LOGIN_FAILED, key=cache_key)


def login_failures_reset(request: HttpRequest, cache_key: str) -> None:
    """Forget the failed logins counted for one account (not those of the IP)."""
    rate_limit_reset_key(request, action=_LOGIN_FAILED, key=cache_key)


class AccountAdapter(DefaultAccountAdapter):
    """Bridges allauth to Gestor: its e-mails go through the outbox, its
    security notices also reach the recovery e-mail (A4), login failures lock
    out with a message that says for how long (A7). The sign-up flow (A1) is
    added on top of it by panel.adapter."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        address = normalize_email(email)
        recipient = User.objects.filter(
            Q(email__iexact=address) | Q(recovery_email__iexact=address)
        ).first()
        language = recipient.language if recipient else translation.get_language()
        with translation.override(language):
            request = context.get("request") or self.request
            ctx = {
                "request": request,
                "email": email,
                "user": recipient,
                "product_name": settings.PRODUCT_NAME,
                "site_name": settings.PRODUCT_NAME,
                "site_url": settings.SITE_URL,
                **context,
            }
            message = self.render_mail(template_prefix, email, ctx)
        with transaction.atomic():
            email_enqueue_message(message, template=template_prefix, language=language or "en")

    def send_notification_mail(
        self,
        template_prefix: str,
        user: AbstractBaseUser,
        context: dict[str, Any] | None = None,
        email: str | None = None,
    ) -> None:
        """Security notices (password, two-factor) go to the login e-mail and,
        when set, to the recovery e-mail too (A4)."""
        super().send_notification_mail(template_prefix, user, context, email)
        recovery = getattr(user, "recovery_email", "")
        if not email and recovery:
            super().send_notification_mail(template_prefix, user, context, recovery)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """Flash messages in the language of the signed-in account (X1), also
        the "signed in" one, rendered while the login page's language is active."""
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        with translation.override(language or translation.get_language()):
            super().add_message(
                request, level, message_template, message_context, extra_tags, message
            )

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:  # type: ignore[override]
        user = super().save_user(request, user, form, commit=False)
        user.email = normalize_email(user.email)
        user.name = form.cleaned_data.get("name", "").strip()[:150]
        user.language = translation.get_language() or user.language
        if commit:
            user.save()
        return user

    # --- Brute force (A7, ASVS 6.3.1) ---------------------------------------

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            cache_key = login_failed_key(request, credentials)
            seconds = login_lockout_seconds(request, cache_key)
            minutes = max(1, math.ceil(seconds / 60))
            audit_record(
                kind=AuditKind.ACCOUNT_LOGIN_LOCKED_OUT,
                actor=User.objects.filter(email__iexact=_login_of(credentials)).first(),
                data={"email": _login_of(credentials), "seconds": seconds},
            )
            raise ValidationError(
                ngettext(
                    "Too many failed login attempts. Try again in %(minutes)d minute.",
                    "Too many failed login attempts. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="too_many_login_attempts",
            ) from None

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None:
            # Success resets the account's count (allauth only takes back this
            # attempt); the per-IP count stays, so a botnet gains nothing.
            login_failures_reset(request, login_failed_key(request, credentials))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        login = _login_of(credentials)
        audit_record(
            kind=AuditKind.ACCOUNT_LOGIN_FAILED,
            actor=User.objects.filter(email__iexact=login).first(),
            data={"email": login[:254]},
        )


def _login_of(credentials: dict[str, Any]) -> str:
    return normalize_email(str(credentials.get("email") or credentials.get("username") or ""))
