"""P1: the history shows the memo's reference, never the English memo itself."""

import pytest

from wallet.templatetags.prepaid import memo_reference


@pytest.mark.parametrize(
    ("memo", "reference"),
    [
        ("Payment PAY-1A2B3C4D5E from the prepaid account", "PAY-1A2B3C4D5E"),
        ("Invoice PR-87706A7F7F cancelled", "PR-87706A7F7F"),
        ("Credit note for invoice 2026-000005", "2026-000005"),
        ("Withdrawal 12 requested", "#12"),
        ("Credit ca_0f3a9c1b2d4e5f60718a (Card)", "ca_0f3a9c1b2d4e5f60718a"),
        ("Credit pa_9e8d7c6b5a4f3e2d1c0b (PayPal)", "pa_9e8d7c6b5a4f3e2d1c0b"),
        ("", ""),
    ],
)
def test_it_finds_the_reference(memo, reference):
    assert memo_reference(memo) == reference
