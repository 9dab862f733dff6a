"""Personal API tokens: created and revoked here, checked by the API's auth."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, User
from core.audit import AuditKind, audit_record
from core.text import text_clean

TOKEN_PREFIX = "gst_"  # noqa: S105 (a prefix, not a secret)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it and the raw value, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=text_clean(name, field="name", max_length=100) or "API",
        prefix=raw[:10],
        token_hash=token_hash(raw),
    )
    audit_record(
        kind=AuditKind.ACCOUNT_API_TOKEN_CREATED,
        actor=user,
        data={"token": token.prefix, "name": token.name},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            kind=AuditKind.ACCOUNT_API_TOKEN_REVOKED, actor=user, data={"token": token.prefix}
        )


def api_token_user(raw: str) -> User | None:
    """The active user owning ``raw``, or None. Marks the token as used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
