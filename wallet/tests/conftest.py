"""After every test of the money apps, every invariant of ``ledger_check`` holds (X5)."""

from __future__ import annotations

import pytest

from billing.testing import money_invariants_problems


@pytest.fixture
def ledger_may_break() -> list[bool]:
    """For the tests that break the ledger on purpose, to see ledger_check fail."""
    return [True]


@pytest.fixture(autouse=True)
def _ledger_stays_clean(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    uses_db = marker is not None or any(
        name in request.fixturenames for name in ("db", "cast", "transactional_db")
    )
    check = uses_db and "ledger_may_break" not in request.fixturenames
    if check:
        # Set the database up first, so that it is still there when this checks.
        request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    if check:
        assert money_invariants_problems() == []
