"""The demo's promo codes and grants (issue 10): present, usable, idempotent."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from shop.models import Grant, PromoCode


def test_the_demo_has_two_codes_and_two_grants(db: None) -> None:
    call_command("demo_seed", stdout=StringIO())
    call_command("demo_seed", stdout=StringIO())

    assert set(PromoCode.objects.values_list("code", flat=True)) == {"BIENVENIDA20", "DOMINIO5"}
    assert Grant.objects.filter(status="available").count() == 2
    assert PromoCode.objects.get(code="DOMINIO5").amounts.count() == 2
