"""Bad input: one rule for the characters a text may hold (core/text.py), applied to every
path, query string and form of the pages; the API side is in api/tests."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from conftest import Cast, client_for
from core.text import CleanTextFormMixin, text_refusal

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "value",
    ["", "Acme Hosting S.L.", "Ñandú & Gruß – Ελλάδα 東京 🙂", 'O\'Brien "Bob"', "a\u00a0b"],
)
def test_ordinary_text_passes_on_one_line(value: str) -> None:
    assert text_refusal(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "a\x00b",
        "a\x01",
        "\x1b[31mred",
        "del\x7f",
        "c1\x85",
        "\u202eevil",
        "\u2067iso\u2069",
        "x\ud800y",
        "a\nb",
        "a\r\nb",
        "a\tb",
        "a\u2028b",
    ],
)
def test_control_invisible_and_line_breaking_characters_are_refused_on_one_line(
    value: str,
) -> None:
    assert text_refusal(value) is not None


def test_multi_line_text_keeps_line_breaks_only() -> None:
    assert text_refusal("line one\nline two\r\nthree", multiline=True) is None
    assert text_refusal("a\tb", multiline=True) is not None
    assert text_refusal("a\rb", multiline=True) is not None  # a lone CR rewinds a line
    assert text_refusal("a\x00b", multiline=True) is not None
    assert text_refusal("\u202eb", multiline=True) is not None


def test_the_refusal_is_translated() -> None:
    with translation.override("es"):
        assert "una sola línea" in str(text_refusal("a\nb"))


def test_a_nul_in_a_page_path_is_a_translated_400(cast: Cast) -> None:
    cast.accountant.user.language = "es"
    cast.accountant.user.save()
    response = client_for(cast.accountant).get("/prepaid/credit/%00/")
    assert response.status_code == 400
    assert "caracteres de control o invisibles" in response.content.decode()


def test_a_control_character_in_a_query_string_is_a_400(cast: Cast) -> None:
    response = client_for(cast.accountant).get(reverse("invoices") + "?status=%1b")
    assert response.status_code == 400


def test_a_direction_override_in_a_form_is_refused_and_not_stored(cast: Cast) -> None:
    response = client_for(cast.legal_rep).post(
        reverse("orgs:edit"), {"name": "\u202eAcme", "kind": "company", "country": "ES"}
    )
    assert response.status_code == 400
    cast.org.refresh_from_db()
    assert cast.org.name == "Acme Hosting S.L."


def test_a_line_break_in_a_one_line_form_field_is_a_form_error(cast: Cast) -> None:
    response = client_for(cast.member).post(
        reverse("profile"), {"name": "Max\r\nBcc: m@evil.test", "language": "en"}
    )
    assert response.status_code == 200
    assert "must fit on one line" in response.content.decode()
    cast.member.user.refresh_from_db()
    assert cast.member.user.name == "Max Member"


def _our_forms() -> list[type[forms.BaseForm]]:
    for path in ROOT.glob("*/forms.py"):
        importlib.import_module(f"{path.parent.name}.forms")
    found, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if (ROOT / cls.__module__.split(".")[0]).is_dir() and "tests" not in cls.__module__:
            found.append(cls)
    return found


def test_every_form_of_the_pages_applies_the_text_rule() -> None:
    forms_found = _our_forms()
    assert len(forms_found) > 20
    missing = [
        f"{c.__module__}.{c.__name__}" for c in forms_found if not issubclass(c, CleanTextFormMixin)
    ]
    assert missing == [], "base these forms on core.text.CleanTextForm"


def test_every_form_of_the_back_office_applies_the_text_rule() -> None:
    from django.contrib import admin

    missing = []
    for model, model_admin in admin.site._registry.items():
        forms_used = [model_admin.form, *(i.form for i in model_admin.inlines)]
        forms_used += [model_admin.add_form] if hasattr(model_admin, "add_form") else []
        missing += [model.__name__ for f in forms_used if not issubclass(f, CleanTextFormMixin)]
    assert missing == []


def test_a_line_break_in_a_back_office_name_is_refused(rf, admin_user) -> None:
    from django.contrib import admin

    from orgs.models import Organization

    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site._registry[Organization].get_form(request)
    form = form_class(data={"name": "Acme\r\nBcc: m@evil.test", "kind": "company"})
    assert not form.is_valid()
    assert "must fit on one line" in str(form.errors["name"])
