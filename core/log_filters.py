"""Logging filters (configured in ``settings.LOGGING``)."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refused request (403, 404, any 4xx) is not an error: Django logs a
    ``PermissionDenied`` with its traceback, which buries real errors in the
    console. Keep the one line ("Forbidden (Permission denied): /path") and
    drop the traceback; 5xx records keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
