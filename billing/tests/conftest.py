"""After every test of the money apps, every invariant of ``ledger_check`` holds (X5)."""

from testsupport.money import (
    _ledger_stays_clean,
    invoices_paid_unheard,
    ledger_may_break,
    order_settler_fake,
    order_settler_none,
)

__all__ = [
    "_ledger_stays_clean",
    "invoices_paid_unheard",
    "ledger_may_break",
    "order_settler_fake",
    "order_settler_none",
]
