"""Signals billing sends for the layers above it (flows, shop), which it never imports.

Every signal is sent inside the transaction that made the change, after the rows
are written and while they are still locked: a receiver reads and writes in the
same transaction, and an exception it raises rolls the whole change back (money
included). Work outside the database (a message to another system) belongs in
``transaction.on_commit`` inside the receiver. Each signal is sent exactly once
per change: a repeated webhook, a second confirmation or a second sweep finds
nothing left to do and sends nothing.

``invoices_paid(sender=Invoice, invoices: list[Invoice])``
    The invoices became paid and final (numbered), from every path: a card,
    PayPal or bank transfer confirmed, the prepaid account, an order settled, an
    invoice of zero that is final as soon as it is issued. ``invoices`` are the
    updated instances, sorted by id; one signal for all of the invoices made
    final together. It is sent after the numbers are taken, so the year's
    number series (shared by every organization) stays locked until COMMIT: a
    receiver reads and inserts (products, order rows) but locks no shared row;
    a promo code's use counter is updated in the order settler
    (``billing.hooks``) or inside ``billing.services.invoices_numbered_last``,
    before the numbers are taken.

``payment_failed(sender=Payment, payment: Payment)``
    The provider declined a pending payment (``status == "failed"``,
    ``failure_reason`` says why). For an order payment nothing was created.

``payment_expired(sender=Payment, payment: Payment)``
    A card or PayPal payment got no answer from its provider within
    ``settings.PAYMENT_PENDING_EXPIRY_MINUTES`` and was expired by the sweep
    (``status == "expired"``): what was reserved for it can be released. Should
    the provider confirm it later after all, the money goes to the prepaid account
    (see ``billing.services.payment_confirm``); no second signal is sent then.
"""

from __future__ import annotations

from django.dispatch import Signal

invoices_paid = Signal()
payment_failed = Signal()
payment_expired = Signal()
