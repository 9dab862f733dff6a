"""How the events of a user's own account read in the audit log (O8, A1-A7)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.audit import AuditData, AuditKind, audit_describer

TWO_FACTOR_METHODS = {
    "totp": gettext_lazy("authenticator app"),
    "recovery_codes": gettext_lazy("recovery codes"),
    "webauthn": gettext_lazy("security key"),
}


def _method(data: AuditData) -> str:
    kind = str(data.get("type") or "")
    return str(TWO_FACTOR_METHODS.get(kind, kind))


def _language(code: object) -> str:
    return str(dict(settings.LANGUAGES).get(str(code), code or "—"))


@audit_describer(AuditKind.ACCOUNT_SIGNED_UP)
def _signed_up(data: AuditData) -> str:
    if data.get("via_invitation"):
        return _("Created a Gestor account through an invitation.")
    return _("Created a Gestor account.")


@audit_describer(AuditKind.ACCOUNT_LOGGED_IN)
def _logged_in(data: AuditData) -> str:
    return _("Logged in.")


@audit_describer(AuditKind.ACCOUNT_LOGIN_FAILED)
def _login_failed(data: AuditData) -> str:
    return _("Someone tried to log in as %(email)s with a wrong password.") % {
        "email": data.get("email", "")
    }


@audit_describer(AuditKind.ACCOUNT_LOGIN_LOCKED_OUT)
def _locked_out(data: AuditData) -> str:
    minutes = max(1, -(-int(data.get("seconds") or 0) // 60))
    return ngettext(
        "Too many failed logins as %(email)s: logging in is blocked for %(minutes)d minute.",
        "Too many failed logins as %(email)s: logging in is blocked for %(minutes)d minutes.",
        minutes,
    ) % {"email": data.get("email", ""), "minutes": minutes}


@audit_describer(AuditKind.ACCOUNT_PROFILE_UPDATED)
def _profile_updated(data: AuditData) -> str:
    parts = []
    if "name" in data:
        old, new = data["name"]
        parts.append(_("name %(old)s → %(new)s") % {"old": old or "—", "new": new or "—"})
    if "language" in data:
        old, new = (_language(code) for code in data["language"])
        parts.append(_("language %(old)s → %(new)s") % {"old": old, "new": new})
    return _("Changed the profile: %(changes)s.") % {"changes": "; ".join(parts) or "—"}


@audit_describer(AuditKind.ACCOUNT_AVATAR_CHANGED)
def _avatar_changed(data: AuditData) -> str:
    return _("Uploaded a new profile picture.")


@audit_describer(AuditKind.ACCOUNT_AVATAR_REMOVED)
def _avatar_removed(data: AuditData) -> str:
    return _("Removed the profile picture; the initials show instead.")


@audit_describer(AuditKind.ACCOUNT_PASSWORD_CHANGED)
def _password_changed(data: AuditData) -> str:
    return _("Changed the password.")


@audit_describer(AuditKind.ACCOUNT_PASSWORD_RESET)
def _password_reset(data: AuditData) -> str:
    return _("Chose a new password through a reset link sent by e-mail.")


@audit_describer(AuditKind.ACCOUNT_EMAIL_CHANGE_REQUESTED)
def _email_change_requested(data: AuditData) -> str:
    if data.get("kind") == "recovery":
        text = _("Asked to use %(email)s as the recovery e-mail address; waiting for confirmation.")
    else:
        text = _("Asked to log in with %(email)s from now on; waiting for confirmation.")
    return text % {"email": data.get("new_email", "")}


@audit_describer(AuditKind.ACCOUNT_LOGIN_EMAIL_CHANGED)
def _login_email_changed(data: AuditData) -> str:
    return _("Changed the login e-mail address from %(old)s to %(new)s.") % {
        "old": data.get("old") or "—",
        "new": data.get("new", ""),
    }


@audit_describer(AuditKind.ACCOUNT_RECOVERY_EMAIL_CHANGED)
def _recovery_email_changed(data: AuditData) -> str:
    return _("Changed the recovery e-mail address from %(old)s to %(new)s.") % {
        "old": data.get("old") or "—",
        "new": data.get("new", ""),
    }


@audit_describer(AuditKind.ACCOUNT_RECOVERY_EMAIL_REMOVED)
def _recovery_email_removed(data: AuditData) -> str:
    return _("Stopped using %(email)s as the recovery e-mail address.") % {
        "email": data.get("old", "")
    }


@audit_describer(AuditKind.ACCOUNT_TWO_FACTOR_ADDED)
def _two_factor_added(data: AuditData) -> str:
    return _("Turned on two-factor authentication (%(method)s).") % {"method": _method(data)}


@audit_describer(AuditKind.ACCOUNT_TWO_FACTOR_REMOVED)
def _two_factor_removed(data: AuditData) -> str:
    return _("Turned off two-factor authentication (%(method)s).") % {"method": _method(data)}


@audit_describer(AuditKind.ACCOUNT_TWO_FACTOR_FAILED)
def _two_factor_failed(data: AuditData) -> str:
    return _("A wrong two-factor code was typed (%(method)s).") % {"method": _method(data)}


@audit_describer(AuditKind.ACCOUNT_RECOVERY_CODES_REGENERATED)
def _recovery_codes_regenerated(data: AuditData) -> str:
    return _("Generated new recovery codes; the earlier ones no longer work.")


@audit_describer(AuditKind.ACCOUNT_RECOVERY_CODE_USED)
def _recovery_code_used(data: AuditData) -> str:
    return _("Logged in with a recovery code instead of the authenticator app.")


@audit_describer(AuditKind.ACCOUNT_SESSION_ENDED)
def _session_ended(data: AuditData) -> str:
    return _("Logged out the session opened from %(ip)s.") % {"ip": data.get("ip") or "—"}


@audit_describer(AuditKind.ACCOUNT_SESSIONS_ENDED)
def _sessions_ended(data: AuditData) -> str:
    count = int(data.get("count") or 0)
    return ngettext(
        "Logged out %(count)d other session.", "Logged out %(count)d other sessions.", count
    ) % {"count": count}


@audit_describer(AuditKind.ACCOUNT_API_TOKEN_CREATED)
def _token_created(data: AuditData) -> str:
    return _("Created the API token %(name)s (%(token)s…).") % {
        "name": data.get("name", ""),
        "token": data.get("token", ""),
    }


@audit_describer(AuditKind.ACCOUNT_API_TOKEN_REVOKED)
def _token_revoked(data: AuditData) -> str:
    return _("Revoked the API token %(token)s…; it no longer works.") % {
        "token": data.get("token", "")
    }
