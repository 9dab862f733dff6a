"""X1: a name that ends with a period ends a sentence with one period, not two
("Está trabajando en Hostelería Sol S.L.U.", never "S.L.U.."), in the greeting,
the flash messages and the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from core.templatetags.sentences import single_periods
from orgs.models import Organization, Role
from testsupport.cast import MembershipFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Está trabajando en Sol S.L.U..", "Está trabajando en Sol S.L.U."),
        (
            "Welcome to Sol S.L.U.. You are now working in it.",
            "Welcome to Sol S.L.U. You are now working in it.",
        ),
        ("Wait...", "Wait..."),
        ('en <span title="S.L.U.">S.L.U.</span>.', 'en <span title="S.L.U.">S.L.U.</span>'),
        ("Plain.", "Plain."),
    ],
)
def test_single_periods(text, expected):
    assert single_periods(text) == expected


@pytest.fixture
def spanish_rep(cast):
    Organization.objects.filter(pk=cast.org.pk).update(name="Hostelería Sol S.L.U.")
    cast.legal_rep.user.language = "es"
    cast.legal_rep.user.save(update_fields=["language"])
    return cast.legal_rep


def test_the_dashboard_greeting_ends_with_one_period(spanish_rep):
    html = client_for(spanish_rep).get(reverse("dashboard")).content.decode()
    assert "Hostelería Sol S.L.U." in html
    assert "S.L.U.." not in html


def test_the_switch_message_ends_with_one_period(spanish_rep):
    other = MembershipFactory(user=spanish_rep.user, role=Role.MEMBER)
    Organization.objects.filter(pk=other.organization_id).update(name="Otra S.A.")
    client = client_for(spanish_rep)
    response = client.post(
        reverse("orgs:switch"), {"organization": other.organization_id, "next": "/"}, follow=True
    )
    html = response.content.decode()
    assert "Otra S.A." in html and "S.A.." not in html
