"""Authentication events from allauth, written to the audit log (A7, ASVS 7.2).

Receivers only record; the flows themselves are allauth's. The one exception
is the notice that a recovery code was used (A4): allauth has no e-mail for
it, so the receiver hands it to ``security_notice``.
Login failures and lock-outs are recorded by the adapter, which sees them.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator

from accounts.services import security_notice
from core.audit import AuditKind, audit_record


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(kind=AuditKind.ACCOUNT_LOGGED_IN, actor=user)


def on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(kind=AuditKind.ACCOUNT_PASSWORD_CHANGED, actor=user)


def on_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(kind=AuditKind.ACCOUNT_PASSWORD_RESET, actor=user)


def on_authenticator_added(sender: Any, user: Any, authenticator: Authenticator, **kw: Any) -> None:
    audit_record(
        kind=AuditKind.ACCOUNT_TWO_FACTOR_ADDED, actor=user, data={"type": authenticator.type}
    )


def on_authenticator_removed(
    sender: Any, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    audit_record(
        kind=AuditKind.ACCOUNT_TWO_FACTOR_REMOVED, actor=user, data={"type": authenticator.type}
    )


def on_authenticator_reset(sender: Any, user: Any, authenticator: Authenticator, **kw: Any) -> None:
    audit_record(kind=AuditKind.ACCOUNT_RECOVERY_CODES_REGENERATED, actor=user)


def on_authenticator_used(sender: Any, user: Any, authenticator: Authenticator, **kw: Any) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        audit_record(kind=AuditKind.ACCOUNT_RECOVERY_CODE_USED, actor=user)
        security_notice(user=user, template="accounts/email/recovery_code_used")


def on_two_factor_failed(sender: Any, user: Any, authenticator: Authenticator, **kw: Any) -> None:
    audit_record(
        kind=AuditKind.ACCOUNT_TWO_FACTOR_FAILED, actor=user, data={"type": authenticator.type}
    )


def connect() -> None:
    account_signals.user_logged_in.connect(on_logged_in, dispatch_uid="gestor_logged_in")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid="gestor_pw_changed")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid="gestor_pw_reset")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="gestor_mfa_add")
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="gestor_mfa_remove"
    )
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="gestor_mfa_reset")
    mfa_signals.authenticator_used.connect(on_authenticator_used, dispatch_uid="gestor_mfa_used")
    mfa_signals.authentication_failed.connect(
        on_two_factor_failed, dispatch_uid="gestor_mfa_failed"
    )
