"""S4, P2, X5: the invoice page's *Pay*: choose the method, how much the prepaid account
pays, confirm; then where the payment stands. Access per role; one payment per form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import InvoiceStatus, Payment, PaymentMethod, PaymentPurpose, PaymentStatus
from billing.services import invoice_outstanding, payment_confirm
from conftest import client_for
from ledger.services import prepaid_balance
from orgs.models import Role
from testsupport.cast import MembershipFactory
from testsupport.money import _ledger_stays_clean, invoice_for, prepaid_credit_confirmed

__all__ = ["_ledger_stays_clean"]

CARD = "4242 4242 4242 4242"


@pytest.fixture
def invoice(cast):
    return invoice_for(cast.org, "25.00", "5.00")  # 32.44 EUR (VAT rounded per line)


def form(**overrides):
    data = {
        "method": "card",
        "prepaid_amount": "",
        "card_number": CARD,
        "paypal_email": "",
        "idempotency_key": "form-key-1",
    }
    return {**data, **overrides}


def url(invoice):
    return reverse("invoices:pay", args=[invoice.pk])


def balance(org) -> Decimal:
    return prepaid_balance(organization=org, currency="EUR").amount


# --- Access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 200), ("accountant", 200), ("member", 403), ("outsider", 404)],
)
def test_each_role_gets_the_checkout_or_403_or_404(cast, invoice, role, status):
    assert client_for(getattr(cast, role)).get(url(invoice)).status_code == status


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("outsider", 404)])
def test_paying_needs_accounting_and_membership(cast, invoice, role, status):
    response = client_for(getattr(cast, role)).post(url(invoice), form())
    assert response.status_code == status
    assert not Payment.objects.filter(purpose=PaymentPurpose.INVOICES).exists()


def test_anonymous_is_sent_to_login(client, cast, invoice):
    for response in (client.get(url(invoice)), client.post(url(invoice), form())):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_result_page_is_only_for_the_organization(cast, invoice):
    prepaid_credit_confirmed(cast.org, "50.00")
    response = client_for(cast.accountant).post(url(invoice), form(method="prepaid"))
    result = response["Location"]
    assert client_for(cast.outsider).get(result).status_code == 404
    assert client_for(cast.member).get(result).status_code == 403
    other = invoice_for(cast.org, "1.00")
    reference = result.rstrip("/").rsplit("/", 1)[1]
    wrong = reverse("invoices:paid", args=[other.pk, reference])
    assert client_for(cast.accountant).get(wrong).status_code == 404


# --- The checkout page ----------------------------------------------------------------


def test_the_invoice_page_leads_to_the_checkout(cast, invoice):
    html = client_for(cast.accountant).get(reverse("invoices:detail", args=[invoice.pk])).content
    assert url(invoice).encode() in html


def test_the_checkout_offers_every_method_and_shows_the_balance(cast, invoice):
    prepaid_credit_confirmed(cast.org, "10.00")
    html = client_for(cast.accountant).get(url(invoice)).content.decode()
    for method in ("prepaid", "card", "bank_transfer", "paypal"):
        assert f'value="{method}"' in html
    assert "Balance: €10.00" in html
    assert 'name="prepaid_amount"' in html and 'value="10.00"' in html


def test_a_paid_invoice_has_nothing_to_pay(cast, invoice):
    prepaid_credit_confirmed(cast.org, "50.00")
    client = client_for(cast.accountant)
    client.post(url(invoice), form(method="prepaid"))
    response = client.get(url(invoice))
    assert response.status_code == 302
    assert response["Location"] == reverse("invoices:detail", args=[invoice.pk])


# --- Paying ---------------------------------------------------------------------------


def test_prepaid_part_and_card_rest_pay_the_invoice_when_the_webhook_arrives(
    cast, invoice, django_capture_on_commit_callbacks
):
    prepaid_credit_confirmed(cast.org, "20.00")
    client = client_for(cast.accountant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(invoice), form(prepaid_amount="20.00"))

    card = Payment.objects.get(method=PaymentMethod.CARD)
    assert response["Location"] == reverse("invoices:paid", args=[invoice.pk, card.reference])
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.legal_number
    assert balance(cast.org) == 0
    html = client.get(response["Location"]).content.decode()
    assert f"Paid. The invoice has its number: {invoice.legal_number}." in html
    assert "€20.00 paid from the prepaid account." in html
    assert "€12.44 paid by card." in html


def test_before_the_webhook_the_result_page_says_it_waits_and_the_invoice_page_too(cast, invoice):
    prepaid_credit_confirmed(cast.org, "20.00")
    client = client_for(cast.accountant)

    response = client.post(url(invoice), form(prepaid_amount="20,00"))  # not delivered

    html = client.get(response["Location"]).content.decode()
    assert "waiting for the payment provider to confirm it" in html
    assert "€20.00 paid from the prepaid account." in html
    detail = client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "is waiting for its confirmation" in detail
    payment_confirm(payment_id=Payment.objects.get(method=PaymentMethod.CARD).pk)
    html = client.get(response["Location"]).content.decode()
    assert "Paid. The invoice has its number" in html


def test_the_prepaid_account_alone_pays_and_numbers_the_invoice(cast, invoice):
    prepaid_credit_confirmed(cast.org, "100.00")
    response = client_for(cast.accountant).post(
        url(invoice), form(method="prepaid", card_number="")
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.legal_number
    assert balance(cast.org) == 100 - invoice.total
    assert not Payment.objects.filter(method=PaymentMethod.CARD).exists()


def test_a_short_balance_pays_part_and_the_rest_stays_due(cast, invoice):
    prepaid_credit_confirmed(cast.org, "10.00")
    client = client_for(cast.accountant)
    response = client.post(url(invoice), form(method="prepaid"))
    assert invoice_outstanding(invoice).amount == invoice.total - 10
    html = client.get(response["Location"]).content.decode()
    assert "Still to pay: €22.44." in html
    assert reverse("invoices:pay", args=[invoice.pk]) in html  # Pay the rest


def test_a_bank_transfer_shows_the_iban_and_the_reference(cast, invoice, settings):
    client = client_for(cast.accountant)
    response = client.post(url(invoice), form(method="bank_transfer", card_number=""))
    transfer = Payment.objects.get(method=PaymentMethod.BANK_TRANSFER)
    html = client.get(response["Location"]).content.decode()
    assert settings.SELLER["iban"] in html
    assert transfer.reference in html
    assert "€32.44" in html
    assert transfer.status == PaymentStatus.PENDING


def test_a_double_click_pays_once(cast, invoice):
    prepaid_credit_confirmed(cast.org, "10.00")
    client = client_for(cast.accountant)
    first = client.post(url(invoice), form(prepaid_amount="10"))
    second = client.post(url(invoice), form(prepaid_amount="10"))
    assert first["Location"] == second["Location"]
    assert Payment.objects.filter(purpose=PaymentPurpose.INVOICES).count() == 2
    assert balance(cast.org) == 0


def test_the_same_form_again_after_paying_shows_the_first_result(cast, invoice):
    prepaid_credit_confirmed(cast.org, "50.00")
    client = client_for(cast.accountant)
    first = client.post(url(invoice), form(method="prepaid"))
    again = client.post(url(invoice), form(method="prepaid"))
    assert again["Location"] == first["Location"]
    other = client.post(url(invoice), form(method="prepaid", idempotency_key="another"))
    assert "These invoices are already paid." in other.content.decode()
    assert Payment.objects.filter(purpose=PaymentPurpose.INVOICES).count() == 1


def test_an_empty_balance_gets_a_clear_message_and_moves_nothing(cast, invoice):
    response = client_for(cast.accountant).post(url(invoice), form(method="prepaid"))
    assert response.status_code == 200
    assert "The prepaid account balance is not enough for this amount." in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID


def test_more_than_the_balance_is_refused_on_the_amount_field(cast, invoice):
    prepaid_credit_confirmed(cast.org, "5.00")
    response = client_for(cast.accountant).post(url(invoice), form(prepaid_amount="6"))
    assert response.status_code == 200
    assert response.context["form"].errors["prepaid_amount"] == [
        "The prepaid account balance is not enough for this amount."
    ]
    assert not Payment.objects.filter(purpose=PaymentPurpose.INVOICES).exists()


def test_a_bad_card_number_is_shown_under_the_field_and_moves_nothing(cast, invoice):
    prepaid_credit_confirmed(cast.org, "5.00")
    response = client_for(cast.accountant).post(
        url(invoice), form(prepaid_amount="5", card_number="1234")
    )
    assert response.context["form"].errors["card_number"] == ["Enter a valid card number."]
    assert balance(cast.org) == Decimal("5.00")


@pytest.mark.parametrize(
    "data",
    [
        {"method": "cash"},
        {"method": ""},
        {"prepaid_amount": "-3"},
        {"prepaid_amount": "1e9"},
        {"prepaid_amount": "9" * 40},
        {"idempotency_key": ""},
    ],
)
def test_bad_input_is_refused_with_the_form_again(cast, invoice, data):
    prepaid_credit_confirmed(cast.org, "5.00")
    response = client_for(cast.accountant).post(url(invoice), form(**data))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Payment.objects.filter(purpose=PaymentPurpose.INVOICES).exists()


def test_a_nul_character_gets_a_clear_400(cast, invoice):
    response = client_for(cast.accountant).post(url(invoice), form(card_number="4242\x00"))
    assert response.status_code == 400
    assert not Payment.objects.filter(purpose=PaymentPurpose.INVOICES).exists()


def test_a_spanish_reader_gets_the_checkout_in_spanish(cast, invoice):
    cast.accountant.user.language = "es"
    cast.accountant.user.save(update_fields=["language"])
    html = client_for(cast.accountant).get(url(invoice)).content.decode()
    assert "Confirmar el pago" in html
    assert "Transferencia bancaria" in html


def test_the_same_key_in_two_organizations_pays_in_both(cast, invoice):
    """X5: a user's form key is scoped to the organization too, not only to the user."""
    second = MembershipFactory(
        organization=cast.outsider.organization, user=cast.accountant.user, role=Role.ADMINISTRATOR
    )
    other_invoice = invoice_for(second.organization, "12.00")
    prepaid_credit_confirmed(cast.org, "100.00")
    prepaid_credit_confirmed(second.organization, "100.00")
    client_for(cast.accountant).post(url(invoice), form(method="prepaid"))
    client_for(second).post(url(other_invoice), form(method="prepaid"))
    other_invoice.refresh_from_db()
    assert other_invoice.status == InvoiceStatus.PAID
    assert Payment.objects.filter(method="prepaid").count() == 2
