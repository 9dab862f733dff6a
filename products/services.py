"""The one write path for products (S5)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Plan
from core.audit import AuditKind, audit_record
from core.errors import BusinessError
from core.outbox import email_enqueue
from orgs.models import Membership, Organization, Role
from products.models import ProductInstance, ProductStatus, StoredFile
from products.requirements import domain_held_error, requirement_clean

NAME_MAX_LENGTH = 120


class CancelWhen(enum.Enum):
    """S5: at the end of the paid term (the product keeps working until then),
    or now (the product stops at once; the rest of the term is not refunded)."""

    TERM_END = "term_end"
    NOW = "now"


def _locked(product: ProductInstance) -> ProductInstance:
    # Re-read under a row lock so that two clicks see each other's result; the
    # product's row only (not its plan and offer), FOR NO KEY UPDATE (lock order:
    # docs/decisions/0004).
    return (
        ProductInstance.objects.select_for_update(no_key=True, of=("self",))
        .select_related("plan__offer")
        .get(pk=product.pk)
    )


def _require_open(product: ProductInstance) -> None:
    if not product.is_open:
        raise BusinessError(
            _("This product is %(status)s: it can no longer be changed.")
            % {"status": product.get_status_display().lower()},
            code="product_closed",
        )


@transaction.atomic
def product_create(
    *,
    organization: Organization,
    plan: Plan,
    period_months: int,
    term_start: date,
    term_end: date,
    requirement_value: str = "",
    auto_renewal: bool = True,
    name: str = "",
) -> ProductInstance:
    """S4, issue 10: the product an order creates, with what its offer asks for
    (``products.requirements``), checked again here: a cart can wait while another
    order takes the same domain name. When two orders take it at the same moment,
    the unique index ``products_domain_held_once`` lets one through and the other
    gets the same reason as the check. The calling flow (checkout) records the
    order in the audit log."""
    domain = requirement_clean(plan.offer.kind, requirement_value, plan=plan)
    try:
        # A savepoint: the caller's transaction stays usable to report the refusal.
        with transaction.atomic():
            return ProductInstance.objects.create(
                organization=organization,
                plan=plan,
                offer_kind=plan.offer.kind,
                domain=domain,
                name=" ".join(name.split())[:NAME_MAX_LENGTH],
                period_months=period_months,
                term_start=term_start,
                term_end=term_end,
                auto_renewal=auto_renewal,
            )
    except IntegrityError as error:
        if "products_domain_held_once" in str(error):
            raise domain_held_error(domain) from None
        raise


@transaction.atomic
def product_rename(*, product: ProductInstance, name: str, acting: Membership) -> ProductInstance:
    """Give the product a name of the organization's choosing (empty: the plan's name)."""
    name = " ".join(name.split())
    if len(name) > NAME_MAX_LENGTH:
        raise BusinessError(
            _("The name can have at most %(n)d characters.") % {"n": NAME_MAX_LENGTH},
            field="name",
        )
    product = _locked(product)
    old = product.name
    if old == name:
        return product
    product.name = name
    product.save(update_fields=["name"])
    audit_record(
        kind=AuditKind.PRODUCT_RENAMED,
        actor=acting.user,
        organization=product.organization,
        data={"product": product.pk, "old": old, "new": name},
    )
    return product


@transaction.atomic
def product_auto_renewal_set(
    *, product: ProductInstance, enabled: bool, acting: Membership
) -> ProductInstance:
    """P3: one click turns automatic renewal on or off.

    Turning it back on also withdraws a cancellation planned for the term end.
    """
    product = _locked(product)
    _require_open(product)
    if product.auto_renewal == enabled and not (enabled and product.cancel_at_term_end):
        return product
    withdrawn = enabled and product.cancel_at_term_end
    product.auto_renewal = enabled
    if withdrawn:
        product.cancel_at_term_end = False
        product.cancelled_at = None
    product.save(update_fields=["auto_renewal", "cancel_at_term_end", "cancelled_at"])
    audit_record(
        kind=AuditKind.PRODUCT_AUTO_RENEWAL_SET,
        actor=acting.user,
        organization=product.organization,
        data={
            "product": product.pk,
            "name": product.display_name,
            "enabled": enabled,
            "cancellation_withdrawn": withdrawn,
        },
    )
    return product


@transaction.atomic
def product_cancel(
    *, product: ProductInstance, when: CancelWhen, acting: Membership
) -> ProductInstance:
    """S5: cancel at the term end, or now without refund; the legal
    representatives are told by e-mail."""
    product = _locked(product)
    _require_open(product)
    if when is CancelWhen.TERM_END and product.cancel_at_term_end:
        raise BusinessError(
            _("This product is already cancelled at the end of its term."),
            code="already_cancelled",
        )
    now = timezone.now()
    product.auto_renewal = False
    product.cancelled_at = now
    if when is CancelWhen.NOW:
        product.status = ProductStatus.CANCELLED
        product.cancel_at_term_end = False
    else:
        product.cancel_at_term_end = True
    product.save(update_fields=["auto_renewal", "cancelled_at", "status", "cancel_at_term_end"])
    audit_record(
        kind=AuditKind.PRODUCT_CANCELLED,
        actor=acting.user,
        organization=product.organization,
        data={
            "product": product.pk,
            "name": product.display_name,
            "when": when.value,
            "term_end": str(product.term_end),
        },
    )
    reps = Membership.objects.filter(
        organization_id=product.organization_id, role=Role.LEGAL_REPRESENTATIVE
    ).select_related("user")
    for rep in reps:
        email_enqueue(
            to=rep.user.email,
            template="products/email/product_cancelled",
            context={
                "product": product,
                "organization": product.organization,
                "by": acting.user,
                "now": when is CancelWhen.NOW,
                "user": rep.user,
            },
            language=rep.user.language,
        )
    return product


@transaction.atomic
def product_access_set(
    *, product: ProductInstance, members: Iterable[Membership], acting: Membership
) -> ProductInstance:
    """O2: the plain members who may see this product (legal representatives
    and administrators always see every product)."""
    members = list(members)
    if any(m.organization_id != product.organization_id for m in members):
        raise BusinessError(_("Only users of this organization can be given access."))
    product = _locked(product)
    before = set(product.members_with_access.values_list("pk", flat=True))
    after = {m.pk for m in members}
    if before == after:
        return product
    product.members_with_access.set(members)
    audit_record(
        kind=AuditKind.PRODUCT_ACCESS_SET,
        actor=acting.user,
        organization=product.organization,
        data={
            "product": product.pk,
            "name": product.display_name,
            "granted": sorted(after - before),
            "revoked": sorted(before - after),
            "granted_to": sorted(m.user.email for m in members if m.pk not in before),
            "revoked_from": sorted(
                Membership.objects.filter(pk__in=before - after).values_list(
                    "user__email", flat=True
                )
            ),
        },
    )
    return product


@transaction.atomic
def member_files_settle(
    *, member: Membership, transfer_to_id: int | None, acting: Membership
) -> int:
    """O6: before ``member`` leaves, their files in the organization's file
    storage go to another user of the organization (``transfer_to_id``, a
    membership id) or, when it is None, are deleted. Returns how many files."""
    transfer_to = None
    if transfer_to_id is not None:
        transfer_to = (
            Membership.objects.filter(pk=transfer_to_id, organization_id=member.organization_id)
            .exclude(pk=member.pk)
            .select_related("user")
            .first()
        )
        if transfer_to is None:
            raise BusinessError(
                _("Files can only go to another user of this organization."),
                field="transfer_files_to",
            )
    files = StoredFile.objects.filter(owner=member, product__organization_id=member.organization_id)
    count = files.count()
    if not count:
        return 0
    if transfer_to is None:
        files.delete()
    else:
        files.update(owner=transfer_to)
    audit_record(
        kind=AuditKind.PRODUCT_FILES_TRANSFERRED
        if transfer_to
        else AuditKind.PRODUCT_FILES_DELETED,
        actor=acting.user,
        organization=member.organization,
        data={
            "member": member.user.email,
            "files": count,
            "to": transfer_to.user.email if transfer_to else None,
        },
    )
    return count
