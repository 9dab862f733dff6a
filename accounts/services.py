"""Writes to user accounts: the one path for each action."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_record
from core.errors import BusinessError
from orgs.models import Organization, OrganizationKind
from orgs.services import org_create

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


@transaction.atomic
def signup_complete(*, user: User, via_invitation: bool = False) -> Organization | None:
    """A1: a self sign-up gets an organization named after the user, who becomes
    its legal representative. A sign-up through an invitation gets none: the
    user joins the inviting organization when the invitation is accepted."""
    audit_record(kind="account.signed_up", actor=user, data={"via_invitation": via_invitation})
    if via_invitation:
        return None
    return org_create(user=user, name=user.display_name, kind=OrganizationKind.INDIVIDUAL)


@transaction.atomic
def user_profile_update(
    *, user: User, name: str | None = None, language: str | None = None
) -> User:
    """Change the name and/or the language of the panel and the e-mails (X1)."""
    changed: dict[str, list[str]] = {}
    if name is not None:
        name = name.strip()[:150]
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
        audit_record(kind="account.profile_updated", actor=user, data=changed)
    return user
