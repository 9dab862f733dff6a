"""What billing lets an upper layer plug in, without importing it (S4, P1, P2).

billing sits below the flows (docs/decisions/0004-layers-and-lock-order.md): a
shop's checkout lives in ``flows/`` and imports billing, never the other way
round. Where billing needs the checkout's knowledge, the checkout registers a
function here; billing calls it.

The order settler
-----------------
A payment with ``purpose=PaymentPurpose.ORDER`` pays for a shop order whose
invoice does not exist yet: a declined card must leave nothing behind, so the
invoice is only issued once the money is there. When such a payment is
confirmed, ``billing.services.payment_confirm``:

1. locks the payment row (and returns at once if it is no longer pending: the
   settler runs once whatever the number and order of webhook deliveries);
2. calls the registered settler, ``settler(payment) -> list[Invoice]``, inside
   the same transaction. The settler issues the order's invoice(s) with
   ``billing.services.invoice_issue`` (and may pay part of them, e.g. with
   ``payment_from_prepaid``), creates what the order creates, and returns the
   invoices the payment is for;
3. allocates the payment to them exactly as for ``PaymentPurpose.INVOICES``:
   in the order returned, what is not needed goes to the prepaid account;
4. makes every invoice paid in full final (numbered) as the transaction's last
   statements and sends ``billing.signals.invoices_paid`` once for all of them.
   Invoices that the settler itself paid in full (from the prepaid account, or
   a free invoice) are numbered then too, not in the middle of the settler, so
   that the number series stays the last lock taken (the lock order).

Rules for a settler: return invoices of the payment's organization and
currency (anything else raises and rolls the confirmation back); take locks
only in the lock order below the payment (invoices by id, prepaid accounts by
id); raise to refuse (the whole confirmation rolls back and the provider's
webhook is answered with an error, so it is delivered again). Returning an
empty list credits the whole amount to the prepaid account (the order could no
longer be fulfilled: the money is never lost). With no settler registered,
starting or confirming an order payment raises ``OrderSettlerMissing``.

There is one settler: registering another replaces it (tests swap in a fake
with ``testsupport.money.order_settler_fake``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from billing.models import Invoice, Payment

OrderSettler = Callable[["Payment"], "list[Invoice]"]


class OrderSettlerMissing(ImproperlyConfigured):
    """A payment for an order, and no settler registered to issue its invoices."""


_settler: OrderSettler | None = None


def order_settler_register(settler: OrderSettler) -> OrderSettler:
    """Make ``settler`` the one that settles order payments; usable as a decorator."""
    global _settler
    _settler = settler
    return settler


def order_settler() -> OrderSettler:
    """The registered settler; ``OrderSettlerMissing`` when there is none."""
    if _settler is None:
        raise OrderSettlerMissing(
            "No order settler is registered: a payment with purpose ORDER cannot be "
            "started or confirmed. The checkout flow registers one with "
            "billing.hooks.order_settler_register(fn)."
        )
    return _settler
