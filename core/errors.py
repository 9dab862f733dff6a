"""The one exception type for business rules.

Services raise ``BusinessError`` with a translated, user-facing message; the web
layer shows it on the form or page, the API turns it into the JSON error shape.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.functional import Promise


class BusinessError(Exception):
    def __init__(self, message: str | Promise, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class Gone(BusinessError, Http404):
    """What the request acts on no longer exists (e.g. removed by a request that won
    a race): a 404 with the message, on pages as in the API."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message, code="not_found")
