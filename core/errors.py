"""The one exception type for business rules.

Services raise ``BusinessError`` with a translated, user-facing message; the web
layer shows it on the form or page, the API turns it into the JSON error shape.
"""

from __future__ import annotations

from django.utils.functional import Promise


class BusinessError(Exception):
    def __init__(self, message: str | Promise, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
