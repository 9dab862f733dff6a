"""X1: dates are day first in every language (issue 8: English showed 11/29/2026).

Gestor's customers are a European provider's: English reads 29/11/2026 and
29 November 2026, 14:30 (never month first or a 12-hour clock); the other four
languages keep their own day-first forms, Italian without the weekday."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

DAY = dt.date(2026, 11, 29)
MOMENT = dt.datetime(2026, 11, 29, 14, 30)


@pytest.mark.parametrize(
    ("language", "short", "long", "short_datetime"),
    [
        ("en", "29/11/2026", "29 November 2026", "29/11/2026 14:30"),
        ("es", "29/11/2026", "29 de noviembre de 2026", "29/11/2026 14:30"),
        ("fr", "29/11/2026", "29 novembre 2026", "29/11/2026 14:30"),
        ("de", "29.11.2026", "29. November 2026", "29.11.2026 14:30"),
        ("it", "29/11/2026", "29 Novembre 2026", "29/11/2026 14:30"),
    ],
)
def test_dates_are_day_first_in_every_language(language, short, long, short_datetime):
    with translation.override(language):
        assert date_format(DAY, "SHORT_DATE_FORMAT") == short
        assert date_format(DAY) == long
        assert date_format(MOMENT, "SHORT_DATETIME_FORMAT") == short_datetime
        assert Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(Context({"day": DAY})) == short


def test_english_times_use_the_24_hour_clock():
    with translation.override("en"):
        assert date_format(MOMENT, "DATETIME_FORMAT") == "29 November 2026, 14:30"
        assert date_format(MOMENT, "TIME_FORMAT") == "14:30"


@pytest.mark.parametrize("typed", ["29/11/2026", "2026-11-29"])
def test_english_date_fields_read_the_day_first(typed):
    with translation.override("en"):
        field = forms.DateField(localize=True)
        assert field.clean(typed) == DAY


def test_english_date_fields_refuse_the_month_first():
    with translation.override("en"), pytest.raises(forms.ValidationError):
        forms.DateField(localize=True).clean("11/29/2026")
