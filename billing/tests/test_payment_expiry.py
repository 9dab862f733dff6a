"""S4, X5: a card or PayPal payment its provider never confirms expires after
PAYMENT_PENDING_EXPIRY_MINUTES; a confirmation after that is never lost, never double."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tokens import api_token_create
from billing.models import Invoice, InvoiceStatus, Payment, PaymentMethod, PaymentPurpose
from billing.models import PaymentStatus as Status
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import (
    payment_confirm,
    payment_expire,
    payment_start,
    payments_expire,
    webhook_receive,
)
from billing.signals import payment_expired
from billing.tasks import payments_expire_task
from conftest import client_for
from core.audit import AuditKind
from core.models import AuditEvent, OutboxEmail
from core.money import Money
from ledger.services import prepaid_balance
from testsupport.cast import OrganizationFactory, UserFactory
from testsupport.money import invoice_for

pytestmark = pytest.mark.django_db

NO_ANSWER_CARD = "4000 0000 0000 0119"


def later(minutes: int = 61):
    return timezone.now() + timedelta(minutes=minutes)


@pytest.fixture
def org():
    return OrganizationFactory(country="CH", name="Alpenblick AG")


@pytest.fixture
def expired_signals():
    calls: list[int] = []

    def receive(sender, payment, **kwargs):
        calls.append(payment.pk)

    payment_expired.connect(receive, weak=False)
    yield calls
    payment_expired.disconnect(receive)


def start(
    org,
    *,
    purpose=PaymentPurpose.PREPAID_CREDIT,
    amount="50.00",
    method=PaymentMethod.CARD,
    details=None,
    invoices=None,
    key="k1",
    user=None,
) -> Payment:
    payment, _started = payment_start(
        organization=org,
        method=method,
        purpose=purpose,
        amount=Money(Decimal(amount), "CHF"),
        idempotency_key=key,
        acting=user or UserFactory(language="de"),
        invoices=invoices,
        details=details or {"card_number": NO_ANSWER_CARD},
    )
    return payment


def confirm_by_webhook(payment: Payment) -> str:
    body = simulated_event_body(
        reference=payment.reference,
        kind="payment.succeeded",
        amount=f"{payment.amount:f}",
        currency=payment.currency,
    )
    return webhook_receive(
        provider=payment.method, body=body, signature=webhook_sign(payment.method, body)
    )


def balance(org) -> Decimal:
    return prepaid_balance(organization=org, currency="CHF").amount


def test_the_default_wait_is_an_hour(settings):
    assert settings.PAYMENT_PENDING_EXPIRY_MINUTES == 60


def test_the_no_answer_card_and_paypal_address_stay_pending(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        card = start(org)
        paypal = start(
            org, method=PaymentMethod.PAYPAL, details={"paypal_email": "x@noanswer.test"}, key="k2"
        )
    assert callbacks == []  # no webhook was scheduled
    assert {p.status for p in Payment.objects.filter(pk__in=[card.pk, paypal.pk])} == {
        Status.PENDING
    }


def test_a_payment_expires_once_after_the_configured_time(org, settings, expired_signals):
    settings.PAYMENT_PENDING_EXPIRY_MINUTES = 30
    payment = start(org)

    assert payments_expire(now=later(29)) == 0
    assert Payment.objects.get().status == Status.PENDING
    assert payments_expire(now=later(31)) == 1
    assert payments_expire(now=later(90)) == 0

    payment.refresh_from_db()
    assert payment.status == Status.EXPIRED and payment.expired_at is not None
    assert balance(org) == 0
    assert expired_signals == [payment.pk]
    email = OutboxEmail.objects.get(template="billing/email/payment_expired")
    assert "Zahlungsanbieter" in email.body_text  # the starter's language (German)
    event = AuditEvent.objects.get(kind=AuditKind.PAYMENT_EXPIRED)
    assert event.data["reference"] == payment.reference


def test_only_pending_card_and_paypal_payments_expire(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = start(org, details={"card_number": "4242424242424242"}, key="ok")
        declined = start(org, details={"card_number": "4000000000000002"}, key="no")
    transfer = start(org, method=PaymentMethod.BANK_TRANSFER, details={}, key="bank")
    waiting = start(org, key="wait")

    assert payments_expire(now=later()) == 1
    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses == {
        confirmed.pk: Status.CONFIRMED,
        declined.pk: Status.FAILED,
        transfer.pk: Status.PENDING,
        waiting.pk: Status.EXPIRED,
    }


def test_expiring_a_payment_directly_rechecks_it(org):
    payment = start(org)
    assert payment_expire(payment_id=payment.pk).status == Status.PENDING  # not old enough
    payment_confirm(payment_id=payment.pk)
    assert payment_expire(payment_id=payment.pk, now=later()).status == Status.CONFIRMED


def test_the_sweep_goes_on_in_batches(org):
    for i in range(5):
        start(org, key=f"b{i}")
    assert payments_expire(now=later(), batch=2) == 5
    assert not Payment.objects.filter(status=Status.PENDING).exists()


def test_the_task_and_the_command_run_the_sweep(org, settings):
    settings.PAYMENT_PENDING_EXPIRY_MINUTES = 0
    start(org, key="t1")
    assert payments_expire_task() == 1
    start(org, key="t2")
    call_command("payments_expire")
    assert not Payment.objects.filter(status=Status.PENDING).exists()


def test_the_beat_runs_the_sweep(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "billing.tasks.payments_expire_task" in tasks


def test_a_late_confirmation_of_an_order_credits_the_prepaid_account(
    org, order_settler_fake, expired_signals
):
    settled: list[int] = []

    def settle(payment):
        settled.append(payment.pk)
        return []

    order_settler_fake(settle)
    payment = start(org, purpose=PaymentPurpose.ORDER, amount="108.10")
    payments_expire(now=later())

    assert confirm_by_webhook(payment) == "processed"
    confirm_by_webhook(payment)
    payment_confirm(payment_id=payment.pk)

    payment.refresh_from_db()
    assert settled == []  # the order was released on expiry: nothing is created now
    assert not Invoice.objects.exists()
    assert payment.status == Status.CONFIRMED and payment.expired_at is not None
    assert balance(org) == Decimal("108.10")  # once
    assert expired_signals == [payment.pk]
    late = OutboxEmail.objects.get(template="billing/email/payment_confirmed_late")
    assert "Prepaid-Konto" in late.body_text
    event = AuditEvent.objects.filter(kind=AuditKind.PAYMENT_CONFIRMED).get()
    assert event.data["after_expiry"] is True


def test_a_late_confirmation_for_invoices_leaves_them_unpaid_and_credits_the_account(org):
    invoice = invoice_for(org, "100.00")
    payment = start(org, purpose=PaymentPurpose.INVOICES, amount="108.10", invoices=[invoice])
    payments_expire(now=later())

    confirm_by_webhook(payment)

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID
    assert balance(org) == Decimal("108.10")


def test_a_late_confirmation_of_a_credit_is_a_credit(org):
    payment = start(org)
    payments_expire(now=later())
    confirm_by_webhook(payment)
    payment.refresh_from_db()
    assert payment.status == Status.CONFIRMED
    assert balance(org) == Decimal("50.00")
    assert OutboxEmail.objects.filter(template="billing/email/payment_confirmed").exists()


def test_a_decline_after_expiry_changes_nothing(org):
    payment = start(org)
    payments_expire(now=later())
    body = simulated_event_body(
        reference=payment.reference, kind="payment.failed", amount="50.00", currency="CHF"
    )
    webhook_receive(provider="card", body=body, signature=webhook_sign("card", body))
    assert Payment.objects.get().status == Status.EXPIRED


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "Expired"),
        ("es", "Caducado"),
        ("fr", "Expiré"),
        ("de", "Abgelaufen"),
        ("it", "Scaduto"),
    ],
)
def test_the_api_names_the_status_in_the_readers_language(cast, language, label):
    payment = start(cast.org, key=f"api-{language}")
    payments_expire(now=later())
    _token, raw = api_token_create(user=cast.legal_rep.user, name="ci")
    response = Client().get(
        f"/api/v1/orgs/{cast.org.pk}/payments/{payment.pk}",
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": language},
    )
    body = response.json()
    assert body["status"] == "expired" and body["status_label"] == label
    assert body["expired_at"] is not None


def test_the_credit_page_says_the_payment_expired(cast):
    payment = start(cast.org, key="page")
    payments_expire(now=later())
    page = client_for(cast.accountant).get(
        reverse("prepaid:credit_status", args=[payment.reference])
    )
    assert "never confirmed the payment" in page.content.decode()


def test_the_payment_forms_list_the_no_answer_card(cast):
    page = client_for(cast.accountant).get(reverse("prepaid:credit")).content.decode()
    assert "4000 0000 0000 0119" in page and "noanswer.test" in page
