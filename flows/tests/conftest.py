"""After every test of the money apps, every invariant of ``ledger_check`` holds (X5)."""

from testsupport.money import _ledger_stays_clean, ledger_may_break

__all__ = ["_ledger_stays_clean", "ledger_may_break"]
