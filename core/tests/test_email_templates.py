"""Every e-mail Gestor sends, allauth's included, is Gestor's own template in the
recipient's language, with the product name from settings (X1, X2; issue 8 §2:
allauth's stock e-mails read "Hello from ! … Thank you for using !").

Each template is rendered in the five languages with a full context; a missing
variable shows up as INVALID (string_if_invalid), and allauth's stock phrases
or an English sentence in another language fail the test."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.account.adapter import get_adapter
from django.template import engines
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxEmail
from core.money import Money
from core.outbox import render_email

ROOT = Path(__file__).resolve().parents[2]
ALLAUTH = Path(__import__("allauth").__file__).parent / "templates"
LANGUAGES = ["es", "en", "fr", "de", "it"]
INVALID = "INVALID"
STOCK_PHRASES = [
    "Hello from",
    "Thank you for using",
    "You're receiving this",
    "You are receiving this",
    "has given your email address",
    "reauthenticate",
]
# allauth e-mails that Gestor's configuration never sends (verification and
# login by code, passkeys, allauth's own e-mail management, which the profile
# replaces); the test below fails if one of them becomes reachable unnoticed.
NOT_SENT = {
    "account/email/email_confirm": "ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED is off",
    "account/email/login_code": "ACCOUNT_LOGIN_BY_CODE_ENABLED is off",
    "account/email/password_reset_code": "ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED is off",
    "account/email/email_changed": "allauth's e-mail page redirects to the profile",
    "account/email/email_deleted": "allauth's e-mail page redirects to the profile",
    "mfa/email/webauthn_added": "MFA_SUPPORTED_TYPES has no webauthn",
    "mfa/email/webauthn_removed": "MFA_SUPPORTED_TYPES has no webauthn",
}

USER = SimpleNamespace(display_name="Marta Ruiz", email="marta@example.test")
WHEN = timezone.make_aware(dt.datetime(2026, 11, 29, 14, 30))
COMMON = {
    "user": USER,
    "email": "marta@example.test",
    "timestamp": WHEN,
    "ip": "203.0.113.9",
    "user_agent": "Firefox",
    "product_name": "Nubia Cloud",
    "site_url": "https://panel.example.test",
}
CONTEXTS: dict[str, dict[str, Any]] = {
    "account/email/email_confirmation": {"activate_url": "https://x.test/confirm/k/"},
    "account/email/email_confirmation_signup": {"activate_url": "https://x.test/confirm/k/"},
    "account/email/password_reset_key": {"password_reset_url": "https://x.test/reset/k/"},
    "account/email/unknown_account": {"user": None, "signup_url": "https://x.test/signup/"},
    "account/email/account_already_exists": {"password_reset_url": "https://x.test/reset/"},
    "accounts/email/email_change_verify": {
        "kind": "login",
        "new_email": "marta@new.test",
        "url": "https://x.test/e/k/",
        "expires_at": WHEN,
    },
    "accounts/email/login_email_changed": {"old": "a@x.test", "new": "b@x.test"},
    "accounts/email/recovery_email_changed": {"old": "a@x.test", "new": "b@x.test"},
    "accounts/email/recovery_email_removed": {"old": "a@x.test"},
    "billing/email/payment_confirmed": {
        "organization": SimpleNamespace(name="Panadería Paula"),
        "amount": Money(Decimal("25.00"), "EUR"),
        "payment": SimpleNamespace(reference="PAY-1", purpose="prepaid_credit"),
    },
    "orgs/email/invitation": {
        "inviter_name": "Marta Ruiz",
        "organization_name": "Panadería Paula",
        "role": "administrator",
        "role_label": "Administrator",
        "accounting": True,
        "url": "/invitations/k/",
        "has_account": False,
        "expires_at": WHEN,
    },
    "orgs/email/member_left": {"user_name": "Marta Ruiz", "organization_name": "Panadería Paula"},
    "orgs/email/member_removed": {
        "user_name": "Marta Ruiz",
        "organization_name": "Panadería Paula",
        "actor_name": "Paula Pérez",
    },
    "orgs/email/org_updated": {
        "organization_name": "Panadería Paula",
        "actor_name": "Paula Pérez",
        "actor_email": "paula@example.test",
        "lines": [SimpleNamespace(label="Name", old="A", new="B")],
        "currency_changed": True,
        "currency": "CHF",
        "url": "/organization/",
    },
    "products/email/product_cancelled": {
        "now": False,
        "product": SimpleNamespace(display_name="Web hosting", term_end=WHEN.date()),
        "organization": SimpleNamespace(name="Panadería Paula"),
        "by": USER,
    },
    "wallet/email/withdrawal_completed": {
        "organization": SimpleNamespace(name="Panadería Paula"),
        "amount": Money(Decimal("20.00"), "EUR"),
        "withdrawal": SimpleNamespace(destination_label="IBAN …1234", rejection_reason=""),
    },
    "wallet/email/withdrawal_rejected": {
        "organization": SimpleNamespace(name="Panadería Paula"),
        "amount": Money(Decimal("20.00"), "EUR"),
        "withdrawal": SimpleNamespace(destination_label="IBAN …1234", rejection_reason="IBAN"),
    },
}
_ORDER = SimpleNamespace(
    reference="OR-1A2B3C4D5E",
    currency="EUR",
    subtotal=Decimal("45.90"),
    discount_total=Decimal("4.59"),
    vat_total=Decimal("3.35"),
    total=Decimal("44.66"),
)
_ORDER_LINE = SimpleNamespace(
    quantity=1,
    description_for_reader="Web hosting – Starter",
    requirement="example.com",
    unit_price=Decimal("45.90"),
    discount=Decimal("4.59"),
    discount_reason="Promo code WEB10",
    total_amount=Decimal("44.66"),
)
CONTEXTS["shop/email/order_confirmed"] = {
    "order": _ORDER,
    "organization": SimpleNamespace(name="Panadería Paula"),
    "lines": [_ORDER_LINE],
    "products": [SimpleNamespace(display_name="example.com", term_end=WHEN.date())],
    "missed": [SimpleNamespace(line=_ORDER_LINE, reason="example.com is taken.")],
    "invoice": SimpleNamespace(legal_number="2026-000001"),
}
CONTEXTS["shop/email/order_awaiting_payment"] = {
    "order": _ORDER,
    "organization": SimpleNamespace(name="Panadería Paula"),
    "invoice": SimpleNamespace(payment_reference="PR-1A2B3C4D5E"),
    "amount": Money(Decimal("20.00"), "EUR"),
}
CONTEXTS["billing/email/payment_failed"] = CONTEXTS["billing/email/payment_confirmed"]
CONTEXTS["billing/email/payment_confirmed_late"] = CONTEXTS["billing/email/payment_confirmed"]
CONTEXTS["billing/email/payment_expired"] = {
    **CONTEXTS["billing/email/payment_confirmed"],
    "payment": SimpleNamespace(reference="PAY-1", purpose="order", method_in_sentence="by card"),
}
CONTEXTS["billing/email/invoice_export"] = {
    "organization_name": "Panadería Paula",
    "filename": "invoices-2026-11-29.csv",
    "link": "https://x.test/invoices/export/t/invoices.csv",
}
CONTEXTS["billing/email/payment_request_issued"] = {
    "organization": SimpleNamespace(name="Panadería Paula"),
    "number": "PR-7K3M9Q",
    "amount": Money(Decimal("121.00"), "EUR"),
    "url": "/invoices/7/",
}
CONTEXTS["billing/email/invoice_final"] = {
    **CONTEXTS["billing/email/payment_request_issued"],
    "number": "2026-000042",
}
CONTEXTS["billing/email/credit_note_issued"] = {
    **CONTEXTS["billing/email/payment_request_issued"],
    "number": "CN2026-000003",
    "invoice_number": "2026-000042",
    "reason": "Servicio no prestado",
}
CONTEXTS["wallet/email/withdrawal_requested"] = CONTEXTS["wallet/email/withdrawal_completed"]
CONTEXTS["shop/email/grant_given"] = {
    "user_name": "Marta Ruiz",
    "organization_name": "Acme",
    "plan_name": "Backup 50 GB",
    "period": "yearly",
    "terms": 2,
    "is_free": True,
    "discount_percent": 100,
    "valid_until": dt.date(2027, 1, 31),
    "cart_url": "/shop/cart/",
}


def _prefixes(base: Path, pattern: str) -> set[str]:
    """Template prefixes of e-mails (``base_message.txt`` is a layout, not an e-mail)."""
    return {
        str(p.relative_to(base)).removesuffix("_message.txt")
        for p in base.glob(pattern)
        if p.name != "base_message.txt"
    }


OURS = sorted(
    {
        str(p.relative_to(p.parents[2])).removesuffix("_message.txt")
        for p in ROOT.glob("*/templates/*/email/*_message.txt")
        if p.name != "base_message.txt" and p.parts[-3] not in {"account", "mfa"}
    }
)
ALLAUTHS = sorted(
    _prefixes(ALLAUTH, "account/email/*_message.txt")
    | _prefixes(ALLAUTH, "mfa/email/*_message.txt")
)
SENT_BY_ALLAUTH = [p for p in ALLAUTHS if p not in NOT_SENT]


@pytest.fixture
def strict_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID + "[%s]"
    settings.TEMPLATES = templates
    yield
    engines._engines = {}


def test_every_allauth_email_is_overridden_or_never_sent():
    for prefix in SENT_BY_ALLAUTH:
        for part in ("subject", "message"):
            origin = get_template(f"{prefix}_{part}.txt").origin.name
            assert str(ROOT / "accounts" / "templates") in origin, f"{prefix}_{part}.txt is stock"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("prefix", OURS + SENT_BY_ALLAUTH)
def test_every_email_renders_completely_in_every_language(prefix, language, strict_templates):
    from django.utils import translation

    context = {**COMMON, **CONTEXTS.get(prefix, {})}
    with translation.override(language):
        subject, text, _html = render_email(prefix, context)
    body = f"{subject}\n{text}"
    assert subject.strip() and text.strip()
    assert INVALID not in body, body
    for phrase in STOCK_PHRASES:
        assert phrase.lower() not in body.lower(), f"stock phrase {phrase!r} in {prefix}"
    assert "Gestor" not in body, "the product name comes from settings.PRODUCT_NAME"
    if (
        prefix.startswith(("account/", "mfa/"))
        or "Hello" in get_template(f"{prefix}_message.txt").template.source
    ):
        assert "Nubia Cloud" in body or "Marta Ruiz" in body
    if language != "en":
        english = render_english(prefix, context)
        shared = [
            line
            for line in text.splitlines()
            if len(line.split()) > 4
            and line in english
            and "://" not in line
            and not line.startswith("- ")  # a data line: "- label: old → new"
        ]
        assert shared == [], f"untranslated lines in {language}: {shared}"


def render_english(prefix: str, context: dict[str, Any]) -> str:
    from django.utils import translation

    with translation.override("en"):
        return render_email(prefix, context)[1]


@pytest.mark.django_db
def test_a_password_reset_email_is_gestors_in_the_recipients_language(settings):
    from testsupport.cast import UserFactory

    settings.PRODUCT_NAME = "Nubia Cloud"
    UserFactory(email="hans@example.test", name="Hans Huber", language="de")
    Client().post(reverse("account_reset_password"), {"email": "hans@example.test"})
    message = OutboxEmail.objects.get(to="hans@example.test")
    assert message.language == "de"
    assert "Setzen Sie Ihr Passwort zurück" in message.subject
    assert "Guten Tag Hans Huber," in message.body_text
    assert "Ihr Nubia Cloud-Team" in message.body_text
    assert "Hello from" not in message.body_text and "!" not in message.body_text


@pytest.mark.django_db
def test_an_unknown_address_gets_gestors_wording_not_allauths(settings):
    settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
    Client().post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    message = OutboxEmail.objects.filter(to="nobody@example.test").first()
    if message is None:
        pytest.skip("unknown-account e-mails are off")
    assert "no Gestor account uses this address" in message.body_text
    assert get_adapter().format_email_subject("x") == f"[{settings.PRODUCT_NAME}] x"
