"""Input hygiene: the one rule for which characters a text may hold (bad input gets
a clear, translated 4xx, never a 500).

Names, addresses and the like end up on invoices, in e-mail subjects and in the
database; a NUL breaks PostgreSQL, a lone surrogate cannot be encoded, control
characters and line breaks forge e-mail headers or terminal output, and
bidirectional overrides make a name read differently from what it stores.

- ``text_refusal`` is the rule itself: it returns a translated message when the
  text holds a character it may not, else None.
- Every request goes through ``core.middleware.InputHygieneMiddleware`` (path,
  query string, form fields), every JSON body of the API through
  ``JsonTextParser``, and every page form through ``CleanTextFormMixin``; those
  three call the rule, so a new page or endpoint cannot skip it.

Single-line fields (all of Gestor's today) refuse every control character,
including line breaks and tabs. Multi-line fields (a ``Textarea``) allow line
breaks only: ``\\n``, or ``\\r\\n`` as browsers send them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from core.errors import BusinessError

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
# plus the line and paragraph separators, which break a line like CR/LF.
_INVISIBLE = "\u202a-\u202e\u2066-\u2069"
# Never in any text: NUL and the other C0 controls but TAB, LF and CR; DEL; C1;
# invisible direction controls; lone surrogates (not encodable as UTF-8).
_NEVER = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_INVISIBLE}\ud800-\udfff]")
# Single-line text additionally refuses TAB, LF, CR and the Unicode separators.
_NOT_ON_ONE_LINE = re.compile("[\t\n\r\u2028\u2029]")
# Multi-line text keeps line breaks (LF, or CRLF as browsers send a textarea's) and
# refuses TAB, a lone CR and the Unicode separators.
_NOT_IN_LINES = re.compile("[\t\u2028\u2029]|\r(?!\n)")


def text_refusal(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be accepted (translated), or None when it can."""
    if _NEVER.search(value):
        return _("This text contains control or invisible characters, which are not allowed.")
    if (_NOT_IN_LINES if multiline else _NOT_ON_ONE_LINE).search(value):
        if multiline:
            return _("This text contains tabs or special separators, which are not allowed.")
        return _("This text must fit on one line: line breaks and tabs are not allowed.")
    return None


def transport_refusal(value: str) -> str | None:
    """The rule for text whose field is not known (paths, query strings, form fields
    before a form sees them): what no field of any kind accepts."""
    return text_refusal(value, multiline=True)


def text_clean(value: str, *, field: str, max_length: int, multiline: bool = False) -> str:
    """For services: ``value`` trimmed and checked by the rule, else a BusinessError on
    ``field`` (the pages and the API refuse such text before; this holds for every
    other caller)."""
    refusal = text_refusal(value, multiline=multiline)
    if refusal is not None:
        raise BusinessError(refusal, field=field)
    return value.strip()[:max_length]


class TextRefused(ValueError):
    """A text input breaks the rule; ``loc`` says where, as API errors do."""

    def __init__(self, message: str, loc: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc


def _strings(data: Any, loc: list[str]) -> Iterator[tuple[str, list[str]]]:
    if isinstance(data, str):
        yield data, loc
    elif isinstance(data, dict):
        for key, value in data.items():
            yield str(key), [*loc, str(key)]
            yield from _strings(value, [*loc, str(key)])
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, [*loc, str(index)])


def json_text_check(data: Any) -> None:
    """Raise ``TextRefused`` for the first string of ``data`` (keys included) that
    breaks the single-line rule: every text field of the API is single-line."""
    for value, loc in _strings(data, ["body"]):
        refusal = text_refusal(value)
        if refusal is not None:
            raise TextRefused(refusal, loc)


class JsonTextParser(Parser):
    """django-ninja's JSON parser, plus the rule on every string of the body."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        json_text_check(data)
        return data


class _TextValidator:
    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, str):
            refusal = text_refusal(value, multiline=self.multiline)
            if refusal is not None:
                raise ValidationError(refusal, code="invalid_text")


class CleanTextFormMixin(forms.BaseForm):
    """Every text field of a page's form checks the rule: single-line unless its
    widget is a ``Textarea``. Each form of Gestor's apps uses this mixin (a test
    walks them all)."""

    def full_clean(self) -> None:
        # At clean time, so that fields added or changed by a form's __init__ count too.
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not any(
                isinstance(v, _TextValidator) for v in field.validators
            ):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(_TextValidator(multiline=multiline))
        super().full_clean()


class CleanTextForm(CleanTextFormMixin, forms.Form):
    """The base of every page form: Django's ``Form`` with the text rule."""
