"""S1–S4, P1, X5: checking out a cart: free, prepaid, bank transfer, card and PayPal;
the products are created once, when the order is paid, whatever the notifications."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from billing.models import Invoice, InvoiceStatus, Payment, PaymentMethod, PaymentStatus
from billing.providers.base import simulated_event_body, webhook_sign
from billing.services import (
    payment_confirm,
    payment_from_prepaid,
    payments_expire,
    webhook_receive,
)
from catalog.demo import catalog_ensure
from catalog.models import BillingPeriod, Plan
from conftest import Cast
from core.errors import BusinessError
from core.models import AuditEvent, OutboxEmail
from core.money import Money
from flows.checkout import CartCheckoutStatus, cart_checkout, checkout_result
from ledger.services import prepaid_balance
from products.models import ProductInstance
from products.services import product_create
from shop.models import (
    Cart,
    CartLine,
    Grant,
    GrantStatus,
    Order,
    OrderStatus,
    PromoCode,
    PromoCodeUse,
    PromoKind,
    PromoUseStatus,
)
from shop.services import cart_get, cart_grant_activate, cart_line_add, cart_promo_apply
from testsupport.money import invoice_for, prepaid_credit_confirmed

YEARLY = BillingPeriod.YEARLY
CARD = {"card_number": "4242 4242 4242 4242"}
DECLINED = {"card_number": "4000 0000 0000 0002"}


@pytest.fixture(autouse=True)
def _catalog(db: None) -> None:
    catalog_ensure()


def plan(slug: str) -> Plan:
    return Plan.objects.select_related("offer").get(slug=slug)


def add(cast: Cast, slug: str, *, requirement: str = "", quantity: int = 1) -> CartLine:
    return cart_line_add(
        organization=cast.org,
        user_id=cast.legal_rep.user_id,
        plan_id=plan(slug).pk,
        period_months=YEARLY,
        quantity=quantity,
        requirement=requirement,
    )


def cart_of(cast: Cast) -> Cart:
    cart = cart_get(organization=cast.org, user_id=cast.legal_rep.user_id)
    assert cart is not None
    return cart


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def checkout(cast: Cast, method: str, *, prepaid: str | None = None, details=None, key="k-1"):
    return cart_checkout(
        membership=cast.legal_rep,
        cart=cart_of(cast),
        method=method,
        prepaid_amount=eur(prepaid) if prepaid is not None else None,
        details=details if details is not None else {},
        idempotency_key=key,
    )


def deliver(payment: Payment, kind: str) -> str:
    body = simulated_event_body(
        reference=payment.reference,
        kind=kind,
        amount=f"{payment.amount:f}",
        currency=payment.currency,
    )
    return deliver_body(payment, body)


def deliver_body(payment: Payment, body: bytes) -> str:
    return webhook_receive(
        provider=payment.method, body=body, signature=webhook_sign(payment.method, body)
    )


def expire(payment: Payment) -> None:
    """The expiry sweep (billing.services.payments_expire), run after the pending time."""
    later = timezone.now() + timedelta(minutes=settings.PAYMENT_PENDING_EXPIRY_MINUTES + 1)
    assert payments_expire(now=later) >= 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED


def balance(cast: Cast) -> Decimal:
    return prepaid_balance(organization=cast.org, currency="EUR").amount


def products(cast: Cast) -> list[ProductInstance]:
    return list(ProductInstance.objects.filter(organization=cast.org).order_by("pk"))


def code(name: str, percent: str, *plans: Plan, **fields: object) -> PromoCode:
    promo = PromoCode.objects.create(
        code=name, kind=PromoKind.PERCENT, percent=Decimal(percent), **fields
    )
    promo.plans.set(plans)
    return promo


# --- nothing to pay -------------------------------------------------------------------


def test_a_free_offer_is_ordered_without_any_payment(cast: Cast) -> None:
    add(cast, "storage-free")

    result = checkout(cast, "")

    assert result.status == CartCheckoutStatus.PAID
    order = result.order
    assert order.status == OrderStatus.PAID and order.total == 0
    invoice = result.invoice
    assert invoice is not None and invoice.status == InvoiceStatus.PAID and invoice.legal_number
    assert not Payment.objects.filter(organization=cast.org).exists()
    (product,) = products(cast)
    assert product.plan.slug == "storage-free" and product.auto_renewal
    assert list(order.lines.get().products.all()) == [product]
    assert not CartLine.objects.filter(cart__organization=cast.org).exists()
    assert OutboxEmail.objects.filter(
        to=cast.legal_rep.user.email, template="shop/email/order_confirmed"
    ).exists()


def test_a_free_grant_makes_a_paid_plan_free_and_is_used(cast: Cast) -> None:
    line = add(cast, "web-starter", requirement="example.com")
    grant = Grant.objects.create(organization=cast.org, plan=plan("web-starter"))
    cart_grant_activate(line=line, grant_id=grant.pk)

    result = checkout(cast, "card", details=CARD)

    assert result.status == CartCheckoutStatus.PAID  # nothing to pay: no card payment at all
    assert not Payment.objects.filter(organization=cast.org).exists()
    grant.refresh_from_db()
    assert grant.status == GrantStatus.USED and grant.order == result.order
    invoice_line = result.invoice.lines.get()
    assert invoice_line.discount == invoice_line.unit_price
    assert invoice_line.discount_reason == "Free grant"
    assert invoice_line.plan == plan("web-starter")
    (product,) = products(cast)
    assert product.domain == "example.com"


# --- the prepaid account --------------------------------------------------------------


def test_the_prepaid_account_pays_everything_and_the_products_exist_at_once(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "500.00")
    add(cast, "web-starter", requirement="example.com")
    add(cast, "storage-free")
    promo = code("WEB10", "10", plan("web-starter"))
    cart_promo_apply(cart=cart_of(cast), raw_code="web10")

    result = checkout(cast, "prepaid")

    assert result.status == CartCheckoutStatus.PAID
    order = result.order
    assert balance(cast) == Decimal("500.00") - order.total
    invoice = Invoice.objects.get(pk=result.invoice.pk)
    assert invoice.status == InvoiceStatus.PAID and invoice.total == order.total
    web = invoice.lines.get(plan__slug="web-starter")
    assert web.discount > 0 and web.discount_reason == "Promo code WEB10"
    assert web.period_start is not None and web.period_end is not None
    assert invoice.vat_note  # the VAT rule's mention (S4)
    assert len(products(cast)) == 2
    assert PromoCodeUse.objects.get(order=order).status == PromoUseStatus.USED
    promo.refresh_from_db()
    assert promo.uses == 1
    assert AuditEvent.objects.filter(kind="order.paid", organization_id=cast.org.pk).exists()


def test_a_prepaid_part_beyond_the_balance_is_refused_before_anything_is_written(
    cast: Cast,
) -> None:
    prepaid_credit_confirmed(cast.org, "5.00")
    add(cast, "web-starter", requirement="example.com")

    with pytest.raises(BusinessError) as refused:
        checkout(cast, "card", prepaid="10.00", details=CARD)

    assert refused.value.code == "insufficient_balance"
    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart__organization=cast.org).count() == 1


# --- bank transfer --------------------------------------------------------------------


def test_a_bank_transfer_order_waits_and_its_products_come_when_it_is_paid(cast: Cast) -> None:
    add(cast, "web-starter", requirement="example.com")

    result = checkout(cast, "bank_transfer")

    assert result.status == CartCheckoutStatus.AWAITING_TRANSFER
    assert result.invoice is not None and result.invoice.status == InvoiceStatus.UNPAID
    assert result.payment is not None and result.payment.method == PaymentMethod.BANK_TRANSFER
    assert result.instructions["reference"] == result.payment.reference
    assert not products(cast)
    assert not CartLine.objects.filter(cart__organization=cast.org).exists()

    payment_confirm(payment_id=result.payment.pk)  # an agent marks the transfer received

    assert checkout_result(result.order).status == CartCheckoutStatus.PAID
    assert len(products(cast)) == 1


def test_a_bank_transfer_request_paid_later_from_the_prepaid_account_creates_the_products(
    cast: Cast,
) -> None:
    add(cast, "web-starter", requirement="example.com")
    result = checkout(cast, "bank_transfer")
    prepaid_credit_confirmed(cast.org, "500.00")

    payment_from_prepaid(
        organization=cast.org, invoices=[result.invoice], idempotency_key="later", acting=None
    )

    assert checkout_result(result.order).status == CartCheckoutStatus.PAID
    assert len(products(cast)) == 1


# --- card and PayPal ------------------------------------------------------------------


def test_a_card_order_creates_nothing_until_the_card_is_confirmed(cast: Cast) -> None:
    add(cast, "web-starter", requirement="example.com")

    result = checkout(cast, "card", details=CARD)

    assert result.status == CartCheckoutStatus.AWAITING_CONFIRMATION
    assert result.invoice is None and not Invoice.objects.filter(organization=cast.org).exists()
    assert not products(cast)
    assert CartLine.objects.filter(cart__organization=cast.org).count() == 1

    assert deliver(result.payment, "payment.succeeded") == "processed"

    after = checkout_result(result.order)
    assert after.status == CartCheckoutStatus.PAID
    assert after.invoice is not None and after.invoice.status == InvoiceStatus.PAID
    assert len(products(cast)) == 1
    assert not CartLine.objects.filter(cart__organization=cast.org).exists()


def test_prepaid_part_and_card_rest_take_the_prepaid_money_only_when_the_card_is_confirmed(
    cast: Cast,
) -> None:
    prepaid_credit_confirmed(cast.org, "20.00")
    add(cast, "web-starter", requirement="example.com")

    result = checkout(cast, "card", prepaid="20.00", details=CARD)

    assert balance(cast) == Decimal("20.00")  # nothing taken yet
    assert result.payment.amount == result.order.total - Decimal("20.00")

    deliver(result.payment, "payment.succeeded")

    assert balance(cast) == Decimal("0.00")
    after = checkout_result(result.order)
    assert after.status == CartCheckoutStatus.PAID
    assert after.invoice.status == InvoiceStatus.PAID
    assert sorted(a.amount for a in after.invoice.allocations.all()) == sorted(
        [Decimal("20.00"), result.payment.amount]
    )
    assert len(products(cast)) == 1


def test_when_the_balance_no_longer_covers_the_prepaid_part_the_rest_stays_due(
    cast: Cast,
) -> None:
    prepaid_credit_confirmed(cast.org, "20.00")
    add(cast, "web-starter", requirement="example.com")
    result = checkout(cast, "card", prepaid="20.00", details=CARD)
    # Meanwhile the balance is spent on another payment request.
    spent = invoice_for(cast.org, "18.00", vat_rate="0")
    payment_from_prepaid(
        organization=cast.org, invoices=[spent], idempotency_key="spent", acting=None
    )

    deliver(result.payment, "payment.succeeded")

    after = checkout_result(result.order)
    assert after.status == CartCheckoutStatus.AWAITING_PAYMENT
    assert after.invoice is not None and after.invoice.status == InvoiceStatus.UNPAID
    assert not products(cast)
    assert OutboxEmail.objects.filter(template="shop/email/order_awaiting_payment").exists()

    prepaid_credit_confirmed(cast.org, "50.00")
    payment_from_prepaid(
        organization=cast.org, invoices=[after.invoice], idempotency_key="rest", acting=None
    )

    assert checkout_result(result.order).status == CartCheckoutStatus.PAID
    assert len(products(cast)) == 1


def test_a_declined_card_creates_nothing_releases_the_promotions_and_keeps_the_cart(
    cast: Cast,
) -> None:
    prepaid_credit_confirmed(cast.org, "20.00")
    web = add(cast, "web-starter", requirement="example.com")
    add(cast, "domain-com", requirement="example-shop.com")
    grant = Grant.objects.create(
        organization=cast.org, plan=plan("web-starter"), discount_percent=50
    )
    cart_grant_activate(line=web, grant_id=grant.pk)
    promo = code("DOM5", "5", plan("domain-com"), max_uses=1)
    cart_promo_apply(cart=cart_of(cast), raw_code="DOM5")

    result = checkout(cast, "card", prepaid="10.00", details=DECLINED)
    promo.refresh_from_db()
    assert promo.uses == 1  # reserved while the card is pending

    deliver(result.payment, "payment.failed")

    after = checkout_result(result.order)
    assert after.status == CartCheckoutStatus.FAILED
    assert after.order.status == OrderStatus.CANCELLED
    assert not Invoice.objects.filter(organization=cast.org).exists()
    assert not products(cast)
    assert balance(cast) == Decimal("20.00")
    promo.refresh_from_db()
    grant.refresh_from_db()
    assert promo.uses == 0 and grant.status == GrantStatus.AVAILABLE and grant.order is None
    assert PromoCodeUse.objects.get().status == PromoUseStatus.RELEASED
    lines = CartLine.objects.filter(cart__organization=cast.org)
    assert lines.count() == 2
    assert lines.filter(grant=grant).exists() and lines.filter(promo_code=promo).exists()


def test_a_webhook_repeated_and_out_of_order_creates_the_products_once(cast: Cast) -> None:
    add(cast, "web-starter", requirement="example.com", quantity=2)
    result = checkout(cast, "paypal", details={"paypal_email": "payer@example.test"})
    payment = result.payment
    succeeded = simulated_event_body(
        reference=payment.reference,
        kind="payment.succeeded",
        amount=f"{payment.amount:f}",
        currency=payment.currency,
    )

    assert deliver_body(payment, succeeded) == "processed"
    assert deliver_body(payment, succeeded) == "duplicate"
    assert deliver(payment, "payment.failed") == "processed"  # late: the payment is confirmed
    assert deliver(payment, "payment.succeeded") == "processed"  # another event id: no effect

    order = Order.objects.get(pk=result.order.pk)
    assert order.status == OrderStatus.PAID
    assert len(products(cast)) == 2  # one per unit, once
    assert Invoice.objects.filter(organization=cast.org).count() == 1
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CONFIRMED
    assert OutboxEmail.objects.filter(template="shop/email/order_confirmed").count() == 1


def test_a_failure_before_the_success_leaves_the_order_cancelled_and_nothing_created(
    cast: Cast,
) -> None:
    add(cast, "web-starter", requirement="example.com")
    result = checkout(cast, "card", details=CARD)

    deliver(result.payment, "payment.failed")
    deliver(result.payment, "payment.succeeded")

    assert Order.objects.get(pk=result.order.pk).status == OrderStatus.CANCELLED
    assert not products(cast)
    assert not Invoice.objects.filter(organization=cast.org).exists()


def test_a_card_payment_that_never_confirms_expires_and_releases_what_it_reserved(
    cast: Cast,
) -> None:
    add(cast, "web-starter", requirement="example.com")
    promo = code("WEB10", "10", plan("web-starter"), max_uses=1)
    cart_promo_apply(cart=cart_of(cast), raw_code="WEB10")
    result = checkout(cast, "card", details=CARD)
    payment = result.payment
    assert payment is not None

    expire(payment)

    after = checkout_result(result.order)
    assert after.status == CartCheckoutStatus.FAILED
    promo.refresh_from_db()
    assert promo.uses == 0
    assert CartLine.objects.filter(cart__organization=cast.org, promo_code=promo).exists()
    # The provider confirms after all: the money goes to the prepaid account, nothing else.
    deliver(payment, "payment.succeeded")
    assert balance(cast) == payment.amount
    assert not products(cast)
    assert not Invoice.objects.filter(organization=cast.org).exists()


# --- idempotency and refusals ---------------------------------------------------------


def test_the_same_idempotency_key_twice_gives_one_order_and_one_charge(cast: Cast) -> None:
    add(cast, "web-starter", requirement="example.com")

    first = checkout(cast, "card", details=CARD, key="same")
    second = checkout(cast, "card", details=CARD, key="same")

    assert first.order.pk == second.order.pk
    assert Order.objects.count() == 1
    assert Payment.objects.filter(organization=cast.org).count() == 1


def test_the_same_key_from_another_organization_is_refused(cast: Cast) -> None:
    add(cast, "storage-free")
    checkout(cast, "", key="shared")
    other = cast.outsider
    cart_line_add(
        organization=other.organization,
        user_id=other.user_id,
        plan_id=plan("storage-free").pk,
        period_months=YEARLY,
    )
    cart = cart_get(organization=other.organization, user_id=other.user_id)

    with pytest.raises(BusinessError) as refused:
        cart_checkout(
            membership=other,
            cart=cart,
            method="",
            prepaid_amount=None,
            details={},
            idempotency_key="shared",
        )

    assert refused.value.code == "idempotency_key_reused"


def test_an_empty_cart_is_refused(cast: Cast) -> None:
    line = add(cast, "storage-free")
    line.delete()

    with pytest.raises(BusinessError) as refused:
        checkout(cast, "prepaid")

    assert refused.value.code == "cart_empty"


def test_a_domain_name_taken_since_it_was_added_is_refused_and_nothing_is_created(
    cast: Cast,
) -> None:
    add(cast, "domain-com", requirement="example.com")
    other = cast.outsider.organization
    today = timezone.localdate()
    product_create(
        organization=other,
        plan=plan("domain-com"),
        period_months=YEARLY,
        term_start=today,
        term_end=today + timedelta(days=365),
        requirement_value="example.com",
    )

    with pytest.raises(BusinessError) as refused:
        checkout(cast, "bank_transfer")

    assert refused.value.code == "domain_held"
    assert not Order.objects.exists()
    assert not Invoice.objects.exists()
    assert CartLine.objects.filter(cart__organization=cast.org).count() == 1


def test_a_plain_member_cannot_order(cast: Cast) -> None:
    add(cast, "storage-free")

    with pytest.raises(BusinessError) as refused:
        cart_checkout(
            membership=cast.member,
            cart=cart_of(cast),
            method="",
            prepaid_amount=None,
            details={},
            idempotency_key="member",
        )

    assert refused.value.code == "forbidden"
    assert not Order.objects.exists()


def test_someone_elses_cart_is_refused(cast: Cast) -> None:
    add(cast, "storage-free")

    with pytest.raises(BusinessError) as refused:
        cart_checkout(
            membership=cast.admin,
            cart=cart_of(cast),
            method="",
            prepaid_amount=None,
            details={},
            idempotency_key="admin",
        )

    assert refused.value.code == "not_found"


def test_the_confirmation_email_lists_products_discounts_and_amounts_in_the_readers_language(
    cast: Cast,
) -> None:
    user = cast.legal_rep.user
    user.language = "de"
    user.save(update_fields=["language"])
    prepaid_credit_confirmed(cast.org, "500.00")
    add(cast, "web-starter", requirement="example.com")
    code("WEB10", "10", plan("web-starter"))
    cart_promo_apply(cart=cart_of(cast), raw_code="WEB10")

    result = checkout(cast, "prepaid")

    email = OutboxEmail.objects.get(template="shop/email/order_confirmed")
    assert email.language == "de"
    assert result.order.reference in email.subject and "Bestellung" in email.subject
    assert "Rabatt" in email.body_text and "WEB10" in email.body_text
    assert "example.com" in email.body_text
    assert "41,31" in email.body_text  # the total, as German writes it
    line = result.order.lines.get()
    assert set(line.description_translations) == {"es", "en", "fr", "de", "it"}


def test_a_swiss_organization_pays_swiss_vat_in_chf_on_its_invoice(cast: Cast) -> None:
    cast.org.country = "CH"
    cast.org.postcode = "8001"
    cast.org.save()
    add(cast, "web-starter", requirement="example.ch")

    result = checkout(cast, "bank_transfer")

    invoice = result.invoice
    assert invoice is not None and invoice.currency == "CHF"
    line = invoice.lines.get()
    assert line.vat_rate == Decimal("8.10") and invoice.vat_total > 0
    assert result.order.vat_total == invoice.vat_total


def test_a_business_abroad_with_a_vat_number_gets_the_reverse_charge_mention(cast: Cast) -> None:
    cast.org.country = "DE"
    cast.org.tax_id = "DE136695976"
    cast.org.postcode = "10115"
    cast.org.save()
    prepaid_credit_confirmed(cast.org, "500.00")
    add(cast, "web-starter", requirement="example.de")

    result = checkout(cast, "prepaid")

    invoice = result.invoice
    assert invoice is not None and invoice.vat_total == 0
    assert "DE136695976" in invoice.vat_note and "everse charge" in invoice.vat_note
    assert set(invoice.vat_note_translations) == {"es", "en", "fr", "de", "it"}


def test_a_domain_name_taken_before_a_transfer_arrives_is_reported_not_created(
    cast: Cast,
) -> None:
    add(cast, "domain-com", requirement="example.com")
    waiting = checkout(cast, "bank_transfer", key="first")
    other = cast.outsider
    prepaid_credit_confirmed(other.organization, "500.00")
    cart_line_add(
        organization=other.organization,
        user_id=other.user_id,
        plan_id=plan("domain-com").pk,
        period_months=YEARLY,
        requirement="example.com",
    )
    other_cart = cart_get(organization=other.organization, user_id=other.user_id)
    assert other_cart is not None
    cart_checkout(
        membership=other,
        cart=other_cart,
        method="prepaid",
        prepaid_amount=None,
        details={},
        idempotency_key="second",
    )
    assert waiting.payment is not None

    payment_confirm(payment_id=waiting.payment.pk)  # the money arrives: it is not refused

    after = checkout_result(waiting.order)
    assert after.status == CartCheckoutStatus.PAID
    assert not products(cast)
    email = OutboxEmail.objects.get(
        template="shop/email/order_confirmed", to=cast.legal_rep.user.email
    )
    assert "example.com" in email.body_text and "Contact support" in email.body_text
