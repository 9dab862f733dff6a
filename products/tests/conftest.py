from __future__ import annotations

from datetime import date

import pytest

from catalog.demo import catalog_ensure
from catalog.models import Plan
from conftest import Cast
from products.models import Mailbox, ProductInstance


@pytest.fixture(autouse=True)
def _catalog(db: None) -> None:
    # The data migration loads it, but a transactional test elsewhere may have flushed it.
    catalog_ensure()


def product_create(cast: Cast, **fields: object) -> ProductInstance:
    values: dict[str, object] = {
        "organization": cast.org,
        "plan": Plan.objects.get(slug="web-business"),
        "name": "acme.example",
        "period_months": 12,
        "term_start": date(2026, 1, 1),
        "term_end": date(2026, 12, 31),
    }
    values.update(fields)
    return ProductInstance.objects.create(**values)


@pytest.fixture
def product(cast: Cast) -> ProductInstance:
    return product_create(cast)


@pytest.fixture
def mailbox(cast: Cast) -> Mailbox:
    service = product_create(cast, plan=Plan.objects.get(slug="mail-5"), name="Mail")
    return Mailbox.objects.create(
        organization=cast.org, product=service, address="info@acme.test", password_hash="old"
    )
