from __future__ import annotations

from collections.abc import Callable

from allauth.account.adapter import get_adapter
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.request_context import RequestMeta, reset_request_meta, set_request_meta
from core.text import transport_refusal

# No inline scripts or styles anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


def _client_ip(request: HttpRequest) -> str:
    """The client's IP as allauth's rate limits see it (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    try:
        return str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:  # no address at all: the audit log records none
        return ""


class RequestContextMiddleware:
    """Makes the client IP and user agent available to services (audit log)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = RequestMeta(
            ip=_client_ip(request),
            user_agent=request.headers.get("user-agent", "")[:300],
        )
        token = set_request_meta(meta)
        try:
            return self.get_response(request)
        finally:
            reset_request_meta(token)


class InputHygieneMiddleware:
    """Refuses, before any view, a request whose path, query string or form
    fields hold characters no text may hold (NUL, control characters, invisible
    direction marks: ``core.text``), and a form body that cannot be parsed
    (e.g. multipart without a boundary). The API gets its JSON error shape, pages
    the 400 page; both say why, in the user's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            problem = _request_problem(request)
        except (MultiPartParserError, BadRequest):
            problem = (_("The form data of this request cannot be read."), ["body"])
        if problem is None:
            return self.get_response(request)
        message, loc = problem
        if request.path.startswith(API_PREFIX):
            return JsonResponse(
                {
                    "error": {
                        "code": "invalid_text" if loc != ["body"] else "malformed",
                        "message": message,
                        "details": [{"loc": loc, "msg": message}],
                    }
                },
                status=400,
            )
        return render(request, "400.html", {"message": message}, status=400)


API_PREFIX = "/api/"


def _request_problem(request: HttpRequest) -> tuple[str, list[str]] | None:
    refusal = transport_refusal(request.path)
    if refusal is not None:
        return refusal, ["path"]
    sources = [("query", request.GET)]
    if request.method == "POST":
        sources.append(("form", request.POST))
    for where, data in sources:
        for key, values in data.lists():
            for text in (key, *values):
                refusal = transport_refusal(text)
                if refusal is not None:
                    return refusal, [where, transport_safe(key)]
    return None


def transport_safe(key: str) -> str:
    """The name of a parameter, fit to be echoed in an error (refused characters dropped)."""
    return "".join(c for c in key if transport_refusal(c) is None)
