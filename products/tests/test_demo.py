"""The demo data fills products, mailboxes and stored files, idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from products.models import Mailbox, ProductInstance, StoredFile

pytestmark = pytest.mark.django_db


def test_demo_seed_fills_products_twice_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_seed")
    counts = (ProductInstance.objects.count(), Mailbox.objects.count(), StoredFile.objects.count())
    call_command("demo_seed")
    capsys.readouterr()
    again = (ProductInstance.objects.count(), Mailbox.objects.count(), StoredFile.objects.count())
    assert counts == again
    assert all(counts)
    frank_sees = ProductInstance.objects.filter(
        members_with_access__user__email="frank@demo.gestor.test"
    )
    assert frank_sees.count() == 2
