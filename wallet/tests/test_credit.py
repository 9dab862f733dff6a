"""P1, X5: crediting the prepaid account: limits, methods, confirmation, one credit per submission."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.models import Payment, PaymentStatus
from conftest import client_for
from ledger.models import Entry
from ledger.services import prepaid_balance
from orgs.models import Role
from testsupport.cast import MembershipFactory, OrganizationFactory


def balance(org) -> Decimal:
    return prepaid_balance(organization=org, currency=org.currency.value).amount


def form(**overrides):
    data = {
        "amount": "50.00",
        "method": "card",
        "card_number": "4242 4242 4242 4242",
        "paypal_email": "",
        "idempotency_key": "form-key-1",
    }
    return {**data, **overrides}


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("prepaid:credit"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("role", "status"), [("legal_rep", 200), ("admin", 200), ("accountant", 200), ("member", 403)]
)
def test_each_role_gets_the_form_or_403(cast, role, status):
    assert client_for(getattr(cast, role)).get(reverse("prepaid:credit")).status_code == status


def test_member_cannot_post_a_credit(cast):
    response = client_for(cast.member).post(reverse("prepaid:credit"), form())
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_a_test_card_credits_once_the_webhook_confirms(cast, django_capture_on_commit_callbacks):
    client = client_for(cast.accountant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("prepaid:credit"), form())
    payment = Payment.objects.get()
    assert response["Location"] == reverse("prepaid:credit_status", args=[payment.reference])
    assert payment.status == PaymentStatus.CONFIRMED
    assert balance(cast.org) == Decimal("50.00")
    page = client.get(response["Location"]).content.decode()
    assert "Payment confirmed" in page
    call_command("ledger_check")


def test_the_balance_rises_only_when_confirmed(cast):
    # Without running the on-commit webhook, the payment stays pending.
    client_for(cast.accountant).post(reverse("prepaid:credit"), form())
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert balance(cast.org) == 0


def test_a_repeated_submission_credits_once(cast, django_capture_on_commit_callbacks):
    client = client_for(cast.accountant)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("prepaid:credit"), form())
        second = client.post(reverse("prepaid:credit"), form())
    assert first["Location"] == second["Location"]
    assert Payment.objects.count() == 1
    assert balance(cast.org) == Decimal("50.00")


def test_two_users_sending_the_same_form_key_each_get_their_credit(cast):
    """X5: a form key is scoped to its user and organization (it was one global space)."""
    client_for(cast.accountant).post(reverse("prepaid:credit"), form(method="bank_transfer"))
    response = client_for(cast.outsider).post(
        reverse("prepaid:credit"), form(method="bank_transfer")
    )
    assert response.status_code == 302
    assert sorted(Payment.objects.values_list("organization_id", flat=True)) == sorted(
        [cast.org.pk, cast.outsider.organization_id]
    )


def test_a_declined_card_says_so_and_credits_nothing(cast, django_capture_on_commit_callbacks):
    client = client_for(cast.accountant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("prepaid:credit"), form(card_number="4000000000000002"))
    assert "declined" in client.get(response["Location"]).content.decode()
    assert balance(cast.org) == 0


def test_a_bank_transfer_shows_the_payment_request(cast):
    client = client_for(cast.accountant)
    response = client.post(reverse("prepaid:credit"), form(method="bank_transfer", card_number=""))
    payment = Payment.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert payment.reference in page and "IBAN" in page
    assert balance(cast.org) == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-10", "greater than zero"),
        ("0", "greater than zero"),
        ("99999999999999", "too large"),
        ("1000000000", "too large"),
        ("abc", "such as 25.00"),
        ("10.005", "such as 25.00"),
        ("NaN", "such as 25.00"),
        ("5", "minimum amount"),
        ("5000.01", "maximum amount"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(cast, amount, message):
    response = client_for(cast.accountant).post(reverse("prepaid:credit"), form(amount=amount))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Payment.objects.exists() and not Entry.objects.exists()


def test_an_invalid_card_number_is_refused(cast):
    response = client_for(cast.accountant).post(reverse("prepaid:credit"), form(card_number="1234"))
    assert "valid card number" in response.content.decode()
    assert not Payment.objects.exists()


def test_an_unknown_method_is_refused(cast):
    response = client_for(cast.accountant).post(reverse("prepaid:credit"), form(method="prepaid"))
    assert response.status_code == 200
    assert not Payment.objects.exists()


def test_errors_are_translated(cast):
    cast.accountant.user.language = "es"
    cast.accountant.user.save()
    client = client_for(cast.accountant)
    response = client.post(
        reverse("prepaid:credit"), form(amount="5"), headers={"accept-language": "es"}
    )
    assert "El importe mínimo" in response.content.decode()


def test_the_status_page_of_another_organization_is_404(cast, db):
    other = OrganizationFactory()
    membership = MembershipFactory(organization=other, role=Role.LEGAL_REPRESENTATIVE)
    client_for(membership).post(reverse("prepaid:credit"), form())
    payment = Payment.objects.get()
    response = client_for(cast.legal_rep).get(
        reverse("prepaid:credit_status", args=[payment.reference])
    )
    assert response.status_code == 404
