"""Who is asking, for the audit log: set per request by RequestContextMiddleware.

Services record audit events without taking the request as a parameter; the IP
and user agent of the current request (if any) come from here.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    ip: str | None = None
    user_agent: str = ""


_EMPTY = RequestMeta()
_current: ContextVar[RequestMeta] = ContextVar("gestor_request_meta", default=_EMPTY)


def current_request_meta() -> RequestMeta:
    return _current.get()


def set_request_meta(meta: RequestMeta) -> Token[RequestMeta]:
    return _current.set(meta)


def reset_request_meta(token: Token[RequestMeta]) -> None:
    _current.reset(token)
