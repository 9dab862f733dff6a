"""The API's shared pieces: one JSON shape for every error, and its handlers.

{"error": {"code": "not_found", "message": "…", "details": […]}}
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError, ValidationErrorContext

from core.errors import BusinessError
from core.idempotency import IdempotencyKeyReused
from core.text import JsonTextParser, TextRefused


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


_NUMBER_TYPES = {"int_type", "int_parsing", "int_from_float"}
_DECIMAL_TYPES = {"decimal_type", "decimal_parsing", "float_type", "float_parsing", "finite_number"}


def _length(value: Any, limit: int, *, most: bool) -> str:
    """At most / at least ``limit`` characters (for a text) or items (for a list)."""
    if isinstance(value, str) and most:
        message = ngettext(
            "Enter at most %(limit)d character.", "Enter at most %(limit)d characters.", limit
        )
    elif isinstance(value, str):
        message = ngettext(
            "Enter at least %(limit)d character.", "Enter at least %(limit)d characters.", limit
        )
    elif most:
        message = ngettext("Give at most %(limit)d item.", "Give at most %(limit)d items.", limit)
    else:
        message = ngettext("Give at least %(limit)d item.", "Give at least %(limit)d items.", limit)
    return message % {"limit": limit}


def validation_message(kind: str, value: Any, ctx: dict[str, Any]) -> str:
    """X1: our own translated message for a pydantic error type (pydantic's are English)."""
    if kind == "missing":
        return _("This field is required.")
    if kind in {"string_too_long", "too_long"}:
        return _length(value, ctx.get("max_length", 0), most=True)
    if kind in {"string_too_short", "too_short"}:
        return _length(value, ctx.get("min_length", 0), most=False)
    if kind in {"string_type", "string_sub_type", "string_unicode"}:
        return _("Enter a text.")
    if kind in _NUMBER_TYPES:
        return _("Enter a whole number.")
    if kind == "int_parsing_size":
        return _("This number is too large.")
    if kind in _DECIMAL_TYPES:
        return _("Enter a number.")
    bounds = {
        "greater_than_equal": ("ge", _("Enter a value of at least %(bound)s.")),
        "greater_than": ("gt", _("Enter a value greater than %(bound)s.")),
        "less_than_equal": ("le", _("Enter a value of at most %(bound)s.")),
        "less_than": ("lt", _("Enter a value less than %(bound)s.")),
    }
    if kind in bounds:
        key, message = bounds[kind]
        return message % {"bound": ctx.get(key, "")}
    if kind in {"bool_type", "bool_parsing"}:
        return _("Enter true or false.")
    if kind in {"enum", "literal_error"}:
        return _("Choose one of the values the documentation lists.")
    if kind.startswith("date") and not kind.startswith("datetime"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith(("datetime", "timezone")):
        return _("Enter a date and time in ISO 8601 format.")
    if kind.startswith("uuid"):
        return _("Enter a valid identifier.")
    if kind in {"model_type", "model_attributes_type", "dict_type", "mapping_type"}:
        return _("Send a JSON object here.")
    if kind in {"list_type", "tuple_type", "set_type", "iterable_type"}:
        return _("Send a list here.")
    if kind in {"value_error", "assertion_error"} and ctx.get("error"):
        return str(ctx["error"])  # our own validators raise translated messages
    if kind == "extra_forbidden":
        return _("This field is not expected.")
    return _("This value is not valid.")


class GestorAPI(NinjaAPI):
    """django-ninja with Gestor's input rules: every JSON string checked by
    ``core.text`` and every validation message translated."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(parser=JsonTextParser(), **kwargs)
        install_error_handlers(self)

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        errors = []
        for context in error_contexts:
            model = context.model
            for err in context.pydantic_validation_error.errors(include_url=False):
                loc = model.__ninja_flatten_map_reverse__.get(err["loc"], err["loc"])
                ctx = dict(err.get("ctx") or {})
                errors.append(
                    {
                        "loc": [model.__ninja_param_source__, *[str(p) for p in loc]],
                        "msg": validation_message(err["type"], err.get("input"), ctx),
                        "type": err["type"],
                    }
                )
        return ValidationError(errors)


def _body_problem(exc: HttpError) -> tuple[str, str, list[dict[str, Any]] | None] | None:
    """The parser's failure behind ninja's English "Cannot parse request body"."""
    cause = exc.__cause__
    if isinstance(cause, TextRefused):
        return "invalid_text", cause.message, [{"loc": cause.loc, "msg": cause.message}]
    if isinstance(cause, (json.JSONDecodeError, UnicodeDecodeError)):
        return "malformed", _("The request body is not valid JSON (UTF-8)."), None
    if cause is not None:
        return "malformed", _("The request body cannot be read."), None
    return None


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
        # A rule about rights (e.g. only a legal representative removes one) is a 403;
        # what a concurrent request removed meanwhile, a 404.
        status = {"forbidden": 403, "not_found": 404}.get(exc.code, 400)
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
        problem = _body_problem(exc)
        if problem is not None:
            code, message, details = problem
            return error_response(
                api, request, status=400, code=code, message=message, details=details
            )
        return error_response(api, request, status=exc.status_code, code="error", message=str(exc))
