"""Helpers for tests that need money in place, and the ledger check after each money test."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest

import billing.hooks
from accounts.models import User
from billing.checks import billing_problems
from billing.hooks import OrderSettler, order_settler_register
from billing.models import Invoice, Payment, PaymentMethod, PaymentPurpose
from billing.services import LineDraft, invoice_issue, payment_confirm, payment_start
from billing.signals import invoices_paid
from core.money import Money
from ledger.checks import ledger_problems
from orgs.models import Organization


def prepaid_credit_confirmed(
    organization: Organization, amount: str, *, acting: User | None = None
) -> Payment:
    """Credit the prepaid account by bank transfer, confirmed at once."""
    payment, _started = payment_start(
        organization=organization,
        method=PaymentMethod.BANK_TRANSFER,
        purpose=PaymentPurpose.PREPAID_CREDIT,
        amount=Money(Decimal(amount), organization.currency.value),
        idempotency_key=f"test-{uuid.uuid4()}",
        acting=acting,
    )
    return payment_confirm(payment_id=payment.pk)


def invoice_for(
    organization: Organization, *prices: str, vat_rate: str = "8.1", quantity: int = 1
) -> Invoice:
    currency = organization.currency.value
    return invoice_issue(
        organization=organization,
        lines=[
            LineDraft(
                description=f"Web hosting, line {i}",
                unit_price=Money(Decimal(price), currency),
                quantity=quantity,
                vat_rate=Decimal(vat_rate),
            )
            for i, price in enumerate(prices, start=1)
        ],
    )


def money_invariants_problems() -> list[str]:
    return ledger_problems() + billing_problems()


# --- pytest fixtures shared by the money apps' conftest modules --------------------------


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


@pytest.fixture
def order_settler_fake(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[OrderSettler], OrderSettler]:
    """Register an order settler (billing.hooks) for this test only: call the
    fixture with the fake; whatever was registered before comes back afterwards."""
    monkeypatch.setattr(billing.hooks, "_settler", billing.hooks._settler)
    return order_settler_register


@pytest.fixture
def order_settler_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """No order settler registered, for this test only."""
    monkeypatch.setattr(billing.hooks, "_settler", None)


@pytest.fixture
def invoices_paid_unheard(monkeypatch: pytest.MonkeyPatch) -> None:
    """No receiver of ``billing.signals.invoices_paid`` for this test: a test that
    counts billing's own statements leaves out what the layers above do on it (the
    checkout's fulfilment, which runs after the numbers and locks no shared row)."""
    monkeypatch.setattr(invoices_paid, "receivers", [])
    monkeypatch.setattr(invoices_paid, "sender_receivers_cache", {})
