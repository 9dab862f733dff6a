"""One JSON shape for every API error:

{"error": {"code": "not_found", "message": "…", "details": […]}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api.idempotency import IdempotencyKeyReused
from core.errors import BusinessError


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorOut(Schema):
    error: ErrorBody


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    details: Any = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, {"error": body}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"loc": [str(p) for p in err.get("loc", [])], "msg": str(err.get("msg", ""))}
            for err in exc.errors
        ]
        return error_response(
            api,
            request,
            status=422,
            code="invalid",
            message=_("The request is not valid."),
            details=details,
        )

    @api.exception_handler(BusinessError)
    def on_business(request: HttpRequest, exc: BusinessError) -> HttpResponse:
        details = [{"loc": [exc.field], "msg": str(exc.message)}] if exc.field else None
        # A rule about rights (e.g. only a legal representative removes one) is a 403.
        status = 403 if exc.code == "forbidden" else 400
        return error_response(
            api, request, status=status, code=exc.code, message=str(exc.message), details=details
        )

    @api.exception_handler(IdempotencyKeyReused)
    def on_key_reused(request: HttpRequest, exc: IdempotencyKeyReused) -> HttpResponse:
        return error_response(api, request, status=422, code=exc.code, message=str(exc.message))

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api,
            request,
            status=401,
            code="unauthenticated",
            message=_("A valid API token is required."),
        )

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(
            api,
            request,
            status=403,
            code="forbidden",
            message=_("You do not have the right to do this."),
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, status=404, code="not_found", message=_("Not found."))

    @api.exception_handler(HttpError)
    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, status=exc.status_code, code="error", message=str(exc))
