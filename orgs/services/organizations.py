"""Organizations: creating one (O1) and changing its details (O4)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from core.audit import AuditKind, audit_record
from core.errors import BusinessError
from core.images import Logo
from core.outbox import email_enqueue
from orgs.display import org_change_lines
from orgs.models import (
    Capability,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    currency_for_country,
)
from orgs.services._common import locked_for
from orgs.tax_ids import tax_id_clean
from orgs.validation import (
    accounting_email_clean,
    country_clean,
    phone_clean,
    postcode_clean,
)


@transaction.atomic
def org_create(
    *,
    user: User,
    name: str,
    kind: str = OrganizationKind.INDIVIDUAL,
    country: str = "",
) -> Organization:
    """O1: create an organization; its creator becomes its legal representative."""
    name = name.strip()
    if not name:
        raise BusinessError(_("Please give the organization a name."), field="name")
    if kind not in OrganizationKind.values:
        raise BusinessError(_("Please choose a valid type of organization."), field="kind")
    organization = Organization.objects.create(
        name=name[:150],
        kind=kind,
        country=country_clean(country),
        invoice_language=_language_of(user),
    )
    Membership.objects.create(organization=organization, user=user, role=Role.LEGAL_REPRESENTATIVE)
    audit_record(
        kind=AuditKind.ORG_CREATED,
        actor=user,
        organization=organization,
        data={"name": organization.name, "kind": kind},
    )
    return organization


def _language_of(user: User) -> str:
    """The creator's language, which the organization's documents use until changed."""
    codes = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in codes else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class OrgDetails:
    """O4: the details a legal representative may change, as typed; ``org_update``
    applies the rules (orgs.validation, orgs.tax_ids) for the page and the API alike."""

    name: str
    kind: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    tax_id: str = ""
    accounting_email: str = ""


@transaction.atomic
def org_update(
    *,
    acting: Membership,
    details: OrgDetails,
    logo: Logo | None = None,
    remove_logo: bool = False,
) -> dict[str, list[str]]:
    """O4: change the organization's details (legal representatives only).

    Returns the changes as ``{field: [old, new]}``. When something changed, every
    legal representative gets a summary e-mail (old → new) and an audit event is
    written; when nothing changed, nothing is sent or recorded.
    """
    organization, acting = locked_for(acting, Capability.EDIT_ORG)
    name = details.name.strip()
    if not name:
        raise BusinessError(_("Please give the organization a name."), field="name")
    if details.kind not in OrganizationKind.values:
        raise BusinessError(_("Please choose a valid type of organization."), field="kind")
    country = country_clean(details.country)
    new: dict[str, str] = {
        "name": name[:150],
        "kind": details.kind,
        "street": details.street.strip(),
        "postcode": postcode_clean(details.postcode, country=country),
        "city": details.city.strip(),
        "country": country,
        "phone": phone_clean(details.phone, country=country),
        "tax_id": tax_id_clean(details.tax_id, country=country),
        "accounting_email": accounting_email_clean(details.accounting_email),
    }
    changes: dict[str, list[str]] = {}
    for name_, value in new.items():
        old = str(getattr(organization, name_) or "")
        if old != value:
            changes[name_] = [old, value]
            setattr(organization, name_, value)
    old_logo = str(organization.logo.name or "") if organization.logo else ""
    if logo is not None:
        token = secrets.token_hex(6)
        organization.logo.save(
            f"org-{organization.pk}-{token}.{logo.extension}", ContentFile(logo.content), save=False
        )
        changes["logo"] = ["✓" if old_logo else "", "✓"]
    elif remove_logo and old_logo:
        organization.logo = ""  # type: ignore[assignment]
        changes["logo"] = ["✓", ""]
    if not changes:
        return {}
    organization.save()
    if "logo" in changes and old_logo:
        storage = organization.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    audit_record(
        kind=AuditKind.ORG_UPDATED, actor=acting.user, organization=organization, data=changes
    )
    _notify_legal_representatives_of_changes(organization, acting, changes)
    return changes


def _notify_legal_representatives_of_changes(
    organization: Organization, acting: Membership, changes: dict[str, list[str]]
) -> None:
    currency_before = currency_for_country(changes["country"][0]) if "country" in changes else None
    for rep in Membership.objects.filter(
        organization=organization, role=Role.LEGAL_REPRESENTATIVE, user__is_active=True
    ).select_related("user"):
        with override(rep.user.language):
            lines = org_change_lines(changes)
        email_enqueue(
            to=rep.user.email,
            template="orgs/email/org_updated",
            language=rep.user.language,
            context={
                "organization_name": organization.name,
                "actor_name": acting.user.display_name,
                "actor_email": acting.user.email,
                "lines": lines,
                "currency_changed": currency_before is not None
                and currency_before != organization.currency,
                "currency": organization.currency.value,
                "url": reverse("orgs:detail"),
            },
        )


@transaction.atomic
def org_two_factor_require(*, organization: Organization, required: bool, acting: User) -> None:
    """A7: require two-factor authentication of the organization's legal
    representatives and administrators (members without it are sent to enrolment)."""
    if organization.require_two_factor == required:
        return
    organization.require_two_factor = required
    organization.save(update_fields=["require_two_factor"])
    audit_record(
        kind=AuditKind.ORG_TWO_FACTOR_POLICY_CHANGED,
        actor=acting,
        organization=organization,
        data={"require_two_factor": required},
    )
