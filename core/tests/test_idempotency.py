"""X5: one stored form for every idempotency key a customer sends."""

from __future__ import annotations

from core.idempotency import idempotency_key


def test_the_same_key_of_the_same_user_in_the_same_organization_is_the_same():
    first = idempotency_key(organization_id=1, user_id=2, key="abc")
    assert first == idempotency_key(organization_id=1, user_id=2, key="abc")


def test_two_users_or_two_organizations_never_share_a_key():
    keys = {
        idempotency_key(organization_id=1, user_id=2, key="abc"),
        idempotency_key(organization_id=1, user_id=3, key="abc"),
        idempotency_key(organization_id=4, user_id=2, key="abc"),
        # Digits run together must not meet either: org 12/user 3 against org 1/user 23.
        idempotency_key(organization_id=12, user_id=3, key="abc"),
        idempotency_key(organization_id=1, user_id=23, key="abc"),
    }
    assert len(keys) == 5


def test_a_key_of_any_accepted_length_fits_the_column():
    stored = idempotency_key(organization_id=2**31, user_id=2**31, key="k" * 255)
    assert len(stored) <= 200
    assert idempotency_key(organization_id=1, user_id=1, key="x\ud800y")
