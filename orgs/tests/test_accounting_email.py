"""I7, O4, O8: the organization's optional accounting e-mail address, set by legal
representatives on the page and through the API with the same rules and messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from core.models import AuditEvent
from orgs.tests.helpers import outbox_to
from orgs.tests.test_api import api
from orgs.tests.test_edit import form_data

URL = reverse("orgs:edit")
INVALID = "Enter one e-mail address, like accounting@example.com, without a name or a list."


def test_a_legal_representative_sets_it_audited_and_in_the_summary(cast):
    response = client_for(cast.legal_rep).post(
        URL, form_data(accounting_email="  Books@Example.COM ")
    )
    assert response.status_code == 302
    cast.org.refresh_from_db()
    assert cast.org.accounting_email == "Books@example.com"  # domain in lower case
    event = AuditEvent.objects.get(kind="org.updated")
    assert event.data["accounting_email"] == ["", "Books@example.com"]
    [mail] = outbox_to(cast.legal_rep.user.email)
    assert "Accounting e-mail address: — → Books@example.com" in mail.body_text
    # The page shows it.
    assert "Books@example.com" in client_for(cast.legal_rep).get(reverse("orgs:detail")).text


def test_emptying_it_removes_it(cast):
    cast.org.accounting_email = "books@example.com"
    cast.org.save()
    response = client_for(cast.legal_rep).post(URL, form_data(accounting_email=""))
    assert response.status_code == 302
    cast.org.refresh_from_db()
    assert cast.org.accounting_email == ""
    event = AuditEvent.objects.get(kind="org.updated")
    assert event.data["accounting_email"] == ["books@example.com", ""]


@pytest.mark.parametrize("role", ["admin", "accountant", "member"])
def test_other_roles_cannot_set_it(cast, role):
    response = client_for(getattr(cast, role)).post(
        URL, form_data(accounting_email="evil@example.com")
    )
    assert response.status_code == 403
    cast.org.refresh_from_db()
    assert cast.org.accounting_email == ""


def test_an_outsider_cannot_set_it_through_the_api(cast):
    response = api(cast, "outsider").patch(
        f"/orgs/{cast.org.pk}", {"accounting_email": "evil@example.com"}
    )
    assert response.status_code == 404
    cast.org.refresh_from_db()
    assert cast.org.accounting_email == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not an address", INVALID),
        ("Books <books@example.com>", INVALID),
        ("a@example.com, b@example.com", INVALID),
        ("books@example.com\x00", "control or invisible characters"),
        ("books@exa\nmple.com", "must fit on one line"),
    ],
)
def test_a_bad_address_is_refused_on_the_page(cast, value, message):
    response = client_for(cast.legal_rep).post(URL, form_data(accounting_email=value))
    # The form again with the error, or (control characters) the input rule's 400.
    assert response.status_code in (200, 400)
    assert message in response.text
    cast.org.refresh_from_db()
    assert cast.org.accounting_email == ""
    assert not AuditEvent.objects.filter(kind="org.updated").exists()


def test_a_too_long_address_is_refused_on_the_page(cast):
    response = client_for(cast.legal_rep).post(
        URL, form_data(accounting_email="a" * 250 + "@example.com")
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.text
    cast.org.refresh_from_db()
    assert cast.org.accounting_email == ""


def test_the_api_sets_it_and_refuses_bad_ones_with_the_same_message(cast):
    client = api(cast, "legal_rep")
    ok = client.patch(f"/orgs/{cast.org.pk}", {"accounting_email": "books@EXAMPLE.com"})
    assert ok.status_code == 200
    assert ok.json()["accounting_email"] == "books@example.com"
    bad = client.patch(f"/orgs/{cast.org.pk}", {"accounting_email": "no address"})
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["details"][0]["loc"] == ["accounting_email"]
    assert INVALID in bad.content.decode()
    nul = client.patch(f"/orgs/{cast.org.pk}", {"accounting_email": "x@example.com\x00"})
    assert 400 <= nul.status_code < 500
    too_long = client.patch(
        f"/orgs/{cast.org.pk}", {"accounting_email": "a" * 250 + "@example.com"}
    )
    assert 400 <= too_long.status_code < 500
    cast.org.refresh_from_db()
    assert cast.org.accounting_email == "books@example.com"


@pytest.mark.parametrize(("role", "status"), [("admin", 403), ("accountant", 403), ("member", 403)])
def test_only_legal_representatives_set_it_through_the_api(cast, role, status):
    response = api(cast, role).patch(
        f"/orgs/{cast.org.pk}", {"accounting_email": "evil@example.com"}
    )
    assert response.status_code == status
