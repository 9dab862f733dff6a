"""X1: the API answers in the language of ``Accept-Language``; without that header,
in the language saved on the token owner's account; else in the default one."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
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


class ApiLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            user = bearer_user(request)
            language = (
                accepted_language(request)
                or (user.language if user is not None else "")
                or settings.LANGUAGE_CODE
            )
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
