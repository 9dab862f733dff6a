"""S5 product services: rename, auto-renewal, cancel, access."""

from __future__ import annotations

import pytest
import time_machine

from conftest import Cast
from core.errors import BusinessError
from core.models import AuditEvent, OutboxEmail
from flows.member_removal import MemberDataDecisions, member_leave, member_remove
from products.models import ProductInstance, ProductStatus, StoredFile
from products.services import (
    CancelWhen,
    member_files_settle,
    product_access_set,
    product_auto_renewal_set,
    product_cancel,
    product_rename,
)


def test_it_renames_the_product_and_records_it(cast: Cast, product: ProductInstance) -> None:
    product_rename(product=product, name="  Main   site ", acting=cast.admin)
    product.refresh_from_db()
    assert product.name == "Main site"
    event = AuditEvent.objects.get(kind="product.renamed")
    assert event.data == {"product": product.pk, "old": "acme.example", "new": "Main site"}


def test_an_empty_name_shows_the_plan_name(cast: Cast, product: ProductInstance) -> None:
    product = product_rename(product=product, name="", acting=cast.admin)
    assert product.display_name == product.plan.name


def test_a_too_long_name_is_refused(cast: Cast, product: ProductInstance) -> None:
    with pytest.raises(BusinessError):
        product_rename(product=product, name="x" * 121, acting=cast.admin)
    assert not AuditEvent.objects.filter(kind="product.renamed").exists()


def test_it_turns_auto_renewal_off_and_on(cast: Cast, product: ProductInstance) -> None:
    product = product_auto_renewal_set(product=product, enabled=False, acting=cast.admin)
    assert product.auto_renewal is False
    product = product_auto_renewal_set(product=product, enabled=True, acting=cast.admin)
    assert product.auto_renewal is True
    assert AuditEvent.objects.filter(kind="product.auto_renewal_set").count() == 2


def test_setting_the_same_value_twice_records_once(cast: Cast, product: ProductInstance) -> None:
    product_auto_renewal_set(product=product, enabled=False, acting=cast.admin)
    product_auto_renewal_set(product=product, enabled=False, acting=cast.admin)
    assert AuditEvent.objects.filter(kind="product.auto_renewal_set").count() == 1


@time_machine.travel("2026-06-01 10:00Z", tick=False)
def test_cancelling_at_term_end_keeps_it_active_until_then(
    cast: Cast, product: ProductInstance
) -> None:
    product = product_cancel(product=product, when=CancelWhen.TERM_END, acting=cast.admin)
    assert product.status == ProductStatus.ACTIVE
    assert product.cancel_at_term_end and not product.auto_renewal
    assert OutboxEmail.objects.filter(to=cast.legal_rep.user.email).count() == 1


def test_turning_auto_renewal_on_withdraws_the_planned_cancellation(
    cast: Cast, product: ProductInstance
) -> None:
    product_cancel(product=product, when=CancelWhen.TERM_END, acting=cast.admin)
    product = product_auto_renewal_set(product=product, enabled=True, acting=cast.admin)
    assert not product.cancel_at_term_end and product.cancelled_at is None


def test_cancelling_now_ends_the_product_at_once(cast: Cast, product: ProductInstance) -> None:
    product = product_cancel(product=product, when=CancelWhen.NOW, acting=cast.admin)
    assert product.status == ProductStatus.CANCELLED
    mail = OutboxEmail.objects.get(to=cast.legal_rep.user.email)
    assert "not refunded" in mail.body_text


def test_a_cancelled_product_cannot_be_changed(cast: Cast, product: ProductInstance) -> None:
    product_cancel(product=product, when=CancelWhen.NOW, acting=cast.admin)
    with pytest.raises(BusinessError):
        product_auto_renewal_set(product=product, enabled=True, acting=cast.admin)
    with pytest.raises(BusinessError):
        product_cancel(product=product, when=CancelWhen.TERM_END, acting=cast.admin)


def test_cancelling_twice_at_term_end_is_refused(cast: Cast, product: ProductInstance) -> None:
    product_cancel(product=product, when=CancelWhen.TERM_END, acting=cast.admin)
    with pytest.raises(BusinessError):
        product_cancel(product=product, when=CancelWhen.TERM_END, acting=cast.admin)


def test_it_sets_who_can_see_the_product(cast: Cast, product: ProductInstance) -> None:
    product_access_set(product=product, members=[cast.member], acting=cast.admin)
    assert list(product.members_with_access.all()) == [cast.member]
    product_access_set(product=product, members=[], acting=cast.admin)
    assert not product.members_with_access.exists()
    kinds = AuditEvent.objects.filter(kind="product.access_set")
    assert [e.data["granted"] for e in kinds.order_by("pk")] == [[cast.member.pk], []]


def test_access_cannot_be_given_to_another_organization(
    cast: Cast, product: ProductInstance
) -> None:
    with pytest.raises(BusinessError):
        product_access_set(product=product, members=[cast.outsider], acting=cast.admin)
    assert not product.members_with_access.exists()


def _file(product: ProductInstance, owner) -> StoredFile:  # type: ignore[no-untyped-def]
    return StoredFile.objects.create(product=product, owner=owner, name="a.pdf", size_bytes=10)


def test_a_removed_member_files_go_to_the_chosen_user(cast: Cast, product: ProductInstance) -> None:
    stored = _file(product, cast.member)
    member_remove(
        acting=cast.admin,
        member=cast.member,
        data_decisions=MemberDataDecisions(transfer_files_to=cast.accountant.pk),
    )
    stored.refresh_from_db()
    assert stored.owner == cast.accountant
    assert AuditEvent.objects.filter(kind="product.files_transferred").exists()


def test_files_are_deleted_when_so_decided(cast: Cast, product: ProductInstance) -> None:
    _file(product, cast.member)
    member_remove(acting=cast.admin, member=cast.member, data_decisions=MemberDataDecisions())
    assert not StoredFile.objects.exists()


def test_without_a_decision_the_remover_keeps_the_files(
    cast: Cast, product: ProductInstance
) -> None:
    stored = _file(product, cast.member)
    member_remove(acting=cast.admin, member=cast.member)
    stored.refresh_from_db()
    assert stored.owner == cast.admin


def test_a_member_leaving_leaves_the_files_to_a_legal_representative(
    cast: Cast, product: ProductInstance
) -> None:
    stored = _file(product, cast.member)
    member_leave(member=cast.member)
    stored.refresh_from_db()
    assert stored.owner == cast.legal_rep


def test_files_cannot_go_to_another_organization(cast: Cast, product: ProductInstance) -> None:
    stored = _file(product, cast.member)
    with pytest.raises(BusinessError):
        member_files_settle(member=cast.member, transfer_to_id=cast.outsider.pk, acting=cast.admin)
    stored.refresh_from_db()
    assert stored.owner == cast.member
