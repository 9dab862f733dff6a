"""X1, X3: the API answers in the language of ``Accept-Language``; without that
header, in the language saved on the token owner's account; else in the default
one. And what Django answers for the API outside django-ninja (an unknown path, a
method the path does not take) comes in the API's error shape too."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from api.auth import bearer_user
from core.middleware import API_PREFIX


def accepted_language(request: HttpRequest) -> str | None:
    """The first language of ``Accept-Language`` that Gestor speaks, if any."""
    for code, _quality in parse_accept_lang_header(request.headers.get("accept-language", "")):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def _in_error_shape(response: HttpResponse) -> HttpResponse:
    if response.status_code not in (404, 405) or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    if response.status_code == 404:
        code, message = "not_found", _("Not found.")
    else:
        code, message = "method_not_allowed", _("This path does not take this method.")
    shaped = JsonResponse(
        {"error": {"code": code, "message": message}}, status=response.status_code
    )
    if "Allow" in response:
        shaped["Allow"] = response["Allow"]
    return shaped


class ApiLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        user = bearer_user(request)
        language = (
            accepted_language(request)
            or (user.language if user is not None else "")
            or settings.LANGUAGE_CODE
        )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return _in_error_shape(self.get_response(request))
