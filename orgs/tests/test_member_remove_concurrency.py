"""O6: the last legal representative stays, even when two removals race (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from core.errors import BusinessError
from flows.member_removal import member_leave, member_remove
from orgs.models import Membership, Role
from testsupport.cast import MembershipFactory, OrganizationFactory
from testsupport.race import race
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_legal_reps():  # type: ignore[no-untyped-def]
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    )
    org = OrganizationFactory()
    first = MembershipFactory(organization=org, role=Role.LEGAL_REPRESENTATIVE)
    second = MembershipFactory(organization=org, role=Role.LEGAL_REPRESENTATIVE)
    return org, first, second


@pytest.mark.parametrize("attempt", range(3))
def test_two_legal_reps_leaving_at_once_leave_exactly_one(two_legal_reps, attempt):
    org, first, second = two_legal_reps
    results = race(lambda: member_leave(member=first), lambda: member_leave(member=second))
    remaining = Membership.objects.filter(organization=org, role=Role.LEGAL_REPRESENTATIVE)
    assert remaining.count() == 1
    errors = [r for r in results if r is not None]
    assert len(errors) == 1 and isinstance(errors[0], BusinessError)
    assert errors[0].code == "last_legal_representative"


@pytest.mark.parametrize("attempt", range(3))
def test_two_legal_reps_removing_each_other_at_once_leave_exactly_one(two_legal_reps, attempt):
    org, first, second = two_legal_reps
    results = race(
        lambda: member_remove(acting=first, member=second),
        lambda: member_remove(acting=second, member=first),
    )
    assert Membership.objects.filter(organization=org, role=Role.LEGAL_REPRESENTATIVE).count() == 1
    errors = [r for r in results if r is not None]
    assert len(errors) == 1 and isinstance(errors[0], BusinessError)
