"""Writes to user accounts: the one path for each action."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta
from typing import IO, Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from accounts.models import EmailChangeRequest, User, normalize_email
from accounts.tokens import token_hash
from core.audit import AuditKind, audit_record
from core.errors import BusinessError
from core.images import logo_clean
from core.outbox import email_enqueue
from core.request_context import current_request_meta
from core.text import text_clean

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


@transaction.atomic
def user_profile_update(
    *, user: User, name: str | None = None, language: str | None = None
) -> User:
    """Change the name and/or the language of the panel and the e-mails (X1)."""
    changed: dict[str, list[str]] = {}
    if name is not None:
        name = text_clean(name, field="name", max_length=150)
        if name != user.name:
            changed["name"] = [user.name, name]
            user.name = name
    if language is not None:
        if language not in LANGUAGE_CODES:
            raise BusinessError(_("This language is not available."), field="language")
        if language != user.language:
            changed["language"] = [user.language, language]
            user.language = language
    if changed:
        user.save(update_fields=[*changed.keys()])
        audit_record(kind=AuditKind.ACCOUNT_PROFILE_UPDATED, actor=user, data=changed)
    return user


# --- Login and recovery e-mail (A3, A4) ----------------------------------------

EMAIL_CHANGE_VALIDITY = timedelta(days=3)


def _email_change_url(raw_token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("email_change_confirm", args=[raw_token])


def email_taken_by_other(*, user: User, email: str) -> bool:
    """Another account logs in with ``email`` (any letter case), or allauth holds it for one."""
    return (
        User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    )


def _email_change_check(*, user: User, kind: str, new_email: str) -> None:
    try:
        validate_email(new_email)
    except ValidationError as exc:
        raise BusinessError(_("Enter a valid e-mail address."), field="new_email") from exc
    login, recovery = normalize_email(user.email), normalize_email(user.recovery_email)
    if kind == EmailChangeRequest.Kind.LOGIN:
        if new_email == login:
            raise BusinessError(
                _("This is already your login e-mail address."), code="same", field="new_email"
            )
        if new_email == recovery:
            raise BusinessError(
                _(
                    "The login e-mail address must differ from the recovery e-mail address. "
                    "Change or remove the recovery e-mail address first."
                ),
                code="same_as_recovery",
                field="new_email",
            )
        if email_taken_by_other(user=user, email=new_email):
            raise BusinessError(
                _(
                    "This address is already the login of another account. To work with that "
                    "account, invite it into your organization with the rights it needs, then "
                    "stop using this account."
                ),
                code="email_taken",
                field="new_email",
            )
    else:
        if new_email == login:
            raise BusinessError(
                _("The recovery e-mail address must differ from the login e-mail address."),
                code="same_as_login",
                field="new_email",
            )
        if new_email == recovery:
            raise BusinessError(
                _("This is already your recovery e-mail address."), code="same", field="new_email"
            )


@transaction.atomic
def email_change_request(
    *, user: User, kind: str, new_email: str, password: str
) -> tuple[EmailChangeRequest, str]:
    """A3/A4: ask to change the login or the recovery e-mail address.

    The password is checked first: when it is wrong nothing is stored, nothing
    is sent, and nothing is revealed about ``new_email``. Then a link valid for
    three days goes to the new address; older pending requests of the same kind
    are revoked. Returns the request and the raw token (only its hash is kept).
    """
    if not user.check_password(password):
        raise BusinessError(
            _("The password is not correct."), code="wrong_password", field="password"
        )
    new_email = normalize_email(new_email)
    _email_change_check(user=user, kind=kind, new_email=new_email)
    now = timezone.now()
    EmailChangeRequest.objects.filter(
        user=user, kind=kind, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    raw = secrets.token_urlsafe(32)
    change = EmailChangeRequest.objects.create(
        user=user,
        kind=kind,
        new_email=new_email,
        token_hash=token_hash(raw),
        created_at=now,
        expires_at=now + EMAIL_CHANGE_VALIDITY,
    )
    email_enqueue(
        to=new_email,
        template="accounts/email/email_change_verify",
        context={
            "user": user,
            "kind": kind,
            "new_email": new_email,
            "url": _email_change_url(raw),
            "expires_at": change.expires_at,
        },
        language=user.language,
    )
    audit_record(
        kind=AuditKind.ACCOUNT_EMAIL_CHANGE_REQUESTED,
        actor=user,
        data={"kind": kind, "new_email": new_email},
    )
    return change, raw


def email_change_pending(*, raw_token: str) -> EmailChangeRequest | None:
    """The request behind a link, if it can still be confirmed."""
    change = (
        EmailChangeRequest.objects.select_related("user")
        .filter(token_hash=token_hash(raw_token))
        .first()
    )
    return change if change is not None and change.is_pending else None


@transaction.atomic
def email_change_confirm(*, raw_token: str) -> EmailChangeRequest:
    """A3/A4: apply the change behind a verification link (single use, 3 days)."""
    change = (
        EmailChangeRequest.objects.select_for_update(no_key=True)
        .filter(token_hash=token_hash(raw_token))
        .first()
    )
    if change is None or change.used_at is not None or change.revoked_at is not None:
        raise BusinessError(
            _("This link is not valid any more. Ask for a new one from your profile."),
            code="invalid_link",
        )
    if timezone.now() >= change.expires_at:
        raise BusinessError(
            _("This link has expired. Ask for a new one from your profile."), code="expired_link"
        )
    user = User.objects.select_for_update(no_key=True).get(pk=change.user_id)
    # The situation may have changed since the request (another account took the address).
    _email_change_check(user=user, kind=change.kind, new_email=change.new_email)
    change.used_at = timezone.now()
    change.save(update_fields=["used_at"])
    if change.kind == EmailChangeRequest.Kind.LOGIN:
        old = user.email
        user.email = change.new_email
        user.save(update_fields=["email"])
        # allauth keeps its own copy of the addresses: the new login is the only one.
        EmailAddress.objects.filter(user=user).delete()
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        template, kind = "accounts/email/login_email_changed", AuditKind.ACCOUNT_LOGIN_EMAIL_CHANGED
        recipients = [old, user.recovery_email]
    else:
        old = user.recovery_email
        user.recovery_email = change.new_email
        user.save(update_fields=["recovery_email"])
        template, kind = (
            "accounts/email/recovery_email_changed",
            AuditKind.ACCOUNT_RECOVERY_EMAIL_CHANGED,
        )
        recipients = [user.email, old]
    _notify(
        user=user, template=template, to=recipients, context={"old": old, "new": change.new_email}
    )
    audit_record(kind=kind, actor=user, data={"old": old, "new": change.new_email})
    return change


@transaction.atomic
def recovery_email_remove(*, user: User) -> None:
    """A4: stop using a recovery e-mail address; both addresses are told."""
    old = user.recovery_email
    if not old:
        return
    user.recovery_email = ""
    user.save(update_fields=["recovery_email"])
    EmailChangeRequest.objects.filter(
        user=user,
        kind=EmailChangeRequest.Kind.RECOVERY,
        used_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
    _notify(
        user=user,
        template="accounts/email/recovery_email_removed",
        to=[user.email, old],
        context={"old": old},
    )
    audit_record(kind=AuditKind.ACCOUNT_RECOVERY_EMAIL_REMOVED, actor=user, data={"old": old})


def _notify(*, user: User, template: str, to: list[str], context: dict[str, Any]) -> None:
    """Queue a security notice for each distinct address in ``to``."""
    meta = current_request_meta()
    seen: set[str] = set()
    for address in to:
        if address and normalize_email(address) not in seen:
            seen.add(normalize_email(address))
            email_enqueue(
                to=address,
                template=template,
                context={
                    "user": user,
                    "ip": meta.ip,
                    "timestamp": timezone.now(),
                    **context,
                },
                language=user.language,
            )


def security_notice(*, user: User, template: str, context: dict[str, Any] | None = None) -> None:
    """A4: a security notice to the login and the recovery e-mail addresses."""
    _notify(
        user=user, template=template, to=[user.email, user.recovery_email], context=context or {}
    )


# --- Password (A5) ----------------------------------------------------------------


def password_set(*, user: User, new_password: str) -> None:
    """A5: set a new account password (already validated by the form). The
    password-change flow (flows.password_change) calls it, with the mailbox."""
    user.set_password(new_password)
    user.save(update_fields=["password"])


def user_sessions_end_others(*, user: User, current_session_key: str | None) -> int:
    """End every session of ``user`` except the current one; returns how many."""
    others = UserSession.objects.filter(user=user).exclude(session_key=current_session_key or "")
    count = 0
    for session in others:
        session.end()
        count += 1
    if count:
        audit_record(kind=AuditKind.ACCOUNT_SESSIONS_ENDED, actor=user, data={"count": count})
    return count


def user_session_end(*, user: User, session: UserSession) -> None:
    """A7: log out one session of the user (from the active sessions list)."""
    if session.user_id != user.pk:
        raise BusinessError(_("This session does not exist."), code="not_found")
    session.end()
    audit_record(
        kind=AuditKind.ACCOUNT_SESSION_ENDED,
        actor=user,
        data={"ip": session.ip, "user_agent": session.user_agent[:100]},
    )


# --- Avatar (A2) -------------------------------------------------------------------

AVATAR_SIDE = 256


@transaction.atomic
def user_avatar_set(*, user: User, upload: IO[bytes], size: int | None = None) -> User:
    """A2: the picture in the user pill. Decoded and re-encoded by the same code
    as organization logos (only PNG, JPEG, WebP; size limits; no metadata kept),
    then cropped to a 256-pixel square PNG."""
    try:
        clean = logo_clean(upload, size=size)
    except BusinessError as exc:
        raise BusinessError(
            _("The picture must be a PNG, JPEG or WebP image of at most 2 MB."),
            code="invalid_avatar",
            field="avatar",
        ) from exc
    with Image.open(io.BytesIO(clean.content)) as image:
        square = ImageOps.fit(image.convert("RGBA"), (AVATAR_SIDE, AVATAR_SIDE))
    out = io.BytesIO()
    square.save(out, format="PNG", optimize=True)
    old = str(user.avatar.name or "")
    user.avatar.save(f"{secrets.token_hex(8)}.png", ContentFile(out.getvalue()), save=False)
    user.save(update_fields=["avatar"])
    _avatar_delete_later(user, old)
    audit_record(kind=AuditKind.ACCOUNT_AVATAR_CHANGED, actor=user)
    return user


@transaction.atomic
def user_avatar_remove(*, user: User) -> None:
    """A2: back to the initials."""
    old = str(user.avatar.name or "")
    if not old:
        return
    user.avatar = ""  # type: ignore[assignment]
    user.save(update_fields=["avatar"])
    _avatar_delete_later(user, old)
    audit_record(kind=AuditKind.ACCOUNT_AVATAR_REMOVED, actor=user)


def _avatar_delete_later(user: User, name: str) -> None:
    if name:
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(name))
