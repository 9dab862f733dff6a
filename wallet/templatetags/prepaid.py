"""``{% load prepaid %}``: the reference a journal memo names, for the history (P1).

The journal's descriptions are internal memos in English ("Payment PAY-1A2B3C
from the prepaid account"); the customer sees the translated kind of movement
and, from the memo, only its language-neutral reference.
"""

from __future__ import annotations

import re

from django import template

register = template.Library()

# Our references (PAY-1A2B3C, GS-1A2B3C4D), invoice numbers (2026-000005) and a
# card or PayPal provider's payment id (ca_0123abcd…, billing.providers.base).
_REFERENCE = re.compile(r"\b[A-Z]{2,5}-[0-9A-F]{6,}\b|\b\d{4}-\d{4,}\b|\b[a-z]{2}_[0-9a-f]{12,}\b")
_NUMBER = re.compile(r"\b\d+\b")


@register.filter
def memo_reference(memo: str) -> str:
    found = _REFERENCE.search(memo or "")
    if found:
        return found.group(0)
    number = _NUMBER.search(memo or "")
    return f"#{number.group(0)}" if number else ""
