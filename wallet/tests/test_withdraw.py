"""P4: withdrawing the balance: re-authentication, reservation, agent decision, e-mails."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import client_for
from core.errors import BusinessError
from core.models import OutboxEmail
from ledger.models import Account, AccountKind
from ledger.services import account_balance, prepaid_balance
from testsupport.auth import client_reauthenticate
from testsupport.cast import UserFactory
from testsupport.money import prepaid_credit_confirmed
from wallet.models import Withdrawal, WithdrawalStatus
from wallet.services import withdrawal_complete, withdrawal_reject

VALID_IBAN = "ES91 2100 0418 4502 0005 1332"


def balance(org) -> Decimal:
    return prepaid_balance(organization=org, currency=org.currency.value).amount


def form(**overrides):
    data = {
        "amount": "40.00",
        "destination": "iban",
        "iban": VALID_IBAN,
        "holder_name": "Acme Hosting S.L.",
        "paypal_email": "",
        "idempotency_key": "w-key-1",
    }
    return {**data, **overrides}


@pytest.fixture
def funded(cast):
    prepaid_credit_confirmed(cast.org, "100")
    return cast


def reauthed(membership):
    return client_reauthenticate(client_for(membership), membership.user)


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("prepaid:withdraw")).status_code == 302


@pytest.mark.parametrize(
    ("role", "status"), [("legal_rep", 200), ("admin", 200), ("accountant", 200), ("member", 403)]
)
def test_each_role_gets_the_form_or_403(funded, role, status):
    assert reauthed(getattr(funded, role)).get(reverse("prepaid:withdraw")).status_code == status


def test_it_requires_a_recent_reauthentication(funded):
    response = client_for(funded.legal_rep).post(reverse("prepaid:withdraw"), form())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not Withdrawal.objects.exists()


def test_it_reserves_the_amount_at_once_and_mails(funded):
    response = reauthed(funded.accountant).post(reverse("prepaid:withdraw"), form())
    assert response["Location"] == reverse("prepaid")
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.iban == VALID_IBAN and withdrawal.status == WithdrawalStatus.PENDING
    assert balance(funded.org) == Decimal("60.00")
    pending = Account.objects.get(kind=AccountKind.PAYOUTS_PENDING, currency="EUR")
    assert account_balance(pending).amount == Decimal("40.00")
    recipients = set(OutboxEmail.objects.values_list("to", flat=True))
    assert {"acc@example.test", "lea@example.test"} <= recipients
    call_command("ledger_check")


def test_a_repeated_submission_reserves_once(funded):
    client = reauthed(funded.accountant)
    client.post(reverse("prepaid:withdraw"), form())
    client.post(reverse("prepaid:withdraw"), form())
    assert Withdrawal.objects.count() == 1
    assert balance(funded.org) == Decimal("60.00")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"iban": "ES00 1234"}, "valid IBAN"),
        ({"holder_name": ""}, "account holder"),
        ({"amount": "100.01"}, "not enough"),
        ({"amount": "-1"}, "greater than zero"),
        ({"amount": "1,234.5.6"}, "such as 25.00"),
        ({"destination": "paypal", "paypal_email": "not-an-address"}, "valid PayPal"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_reserved(funded, overrides, message):
    response = reauthed(funded.accountant).post(reverse("prepaid:withdraw"), form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Withdrawal.objects.exists()
    assert balance(funded.org) == Decimal("100.00")


def test_paypal_withdrawal_needs_no_iban(funded):
    reauthed(funded.accountant).post(
        reverse("prepaid:withdraw"),
        form(destination="paypal", iban="", holder_name="", paypal_email="pay@example.test"),
    )
    assert Withdrawal.objects.get().paypal_email == "pay@example.test"


def test_completing_sends_the_money_out(funded):
    reauthed(funded.accountant).post(reverse("prepaid:withdraw"), form())
    agent = UserFactory(is_staff=True)
    withdrawal = withdrawal_complete(withdrawal=Withdrawal.objects.get(), acting=agent)
    assert withdrawal.status == WithdrawalStatus.COMPLETED
    assert balance(funded.org) == Decimal("60.00")
    assert "paid out" in OutboxEmail.objects.latest("id").subject
    with pytest.raises(BusinessError):
        withdrawal_reject(withdrawal=withdrawal, acting=agent)
    call_command("ledger_check")


def test_rejecting_returns_the_money(funded):
    reauthed(funded.accountant).post(reverse("prepaid:withdraw"), form())
    agent = UserFactory(is_staff=True)
    withdrawal_reject(withdrawal=Withdrawal.objects.get(), acting=agent, reason="IBAN closed")
    assert balance(funded.org) == Decimal("100.00")
    assert "rejected" in OutboxEmail.objects.latest("id").subject
    call_command("ledger_check")


def test_the_back_office_actions_call_the_services(funded, client):
    reauthed(funded.accountant).post(reverse("prepaid:withdraw"), form())
    agent = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(agent)
    withdrawal = Withdrawal.objects.get()
    response = client.post(
        reverse("admin:wallet_withdrawal_changelist"),
        {"action": "reject", "_selected_action": [withdrawal.pk]},
    )
    assert response.status_code == 302
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.REJECTED
    assert balance(funded.org) == Decimal("100.00")


def test_the_bank_fields_are_not_labelled_optional(funded):
    html = reauthed(funded.accountant).get(reverse("prepaid:withdraw")).content.decode()
    assert "(optional)" not in html


@pytest.mark.parametrize("language", ["es", "fr", "de", "it"])
def test_in_comma_languages_the_amount_is_prefilled_and_read_with_a_comma(funded, language):
    """X1: the prefilled balance reads "100,00", and "40,50" withdraws 40.50."""
    funded.accountant.user.language = language
    funded.accountant.user.save(update_fields=["language"])
    client = reauthed(funded.accountant)
    assert 'value="100,00"' in client.get(reverse("prepaid:withdraw")).content.decode()
    client.post(reverse("prepaid:withdraw"), form(amount="40,50"))
    assert balance(funded.org) == Decimal("59.50")
