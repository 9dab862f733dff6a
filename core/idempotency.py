"""The stored idempotency key of a money action a customer asked for (X5).

A customer's key (the hidden field of a payment form, the ``Idempotency-Key``
header of the API) is only unique for that customer. Every payment path, on the
pages and in the API, stores it through :func:`idempotency_key`, so the same key
sent by another user or for another organization never meets it, and a key of
any accepted length fits the 200-character column.
"""

from __future__ import annotations

import hashlib


def idempotency_key(*, organization_id: int, user_id: int, key: str) -> str:
    """``org<id>:user<id>:<sha256 of the customer's key>`` (82 characters at most)."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"org{organization_id}:user{user_id}:{digest}"
