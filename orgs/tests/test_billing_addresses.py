"""O5: extra billing addresses; the default one goes on new invoices."""

import pytest
from django.urls import reverse

from conftest import client_for
from core.models import AuditEvent
from orgs.models import BillingAddress

ADD = reverse("orgs:address_add")
DEFAULT = reverse("orgs:address_default")
ADDRESS = {
    "name": "Acme Hosting S.L. - Contabilidad",
    "street": "Gran Vía 2",
    "postcode": "28013",
    "city": "Madrid",
    "country": "ES",
}


def make(cast, **extra):
    return BillingAddress.objects.create(organization=cast.org, **{**ADDRESS, **extra})


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 403), ("accountant", 403), ("member", 403)],
)
def test_only_legal_representatives_manage_billing_addresses(cast, role, status):
    client = client_for(getattr(cast, role))
    assert client.get(ADD).status_code == status
    if status == 403:
        assert client.post(ADD, ADDRESS).status_code == 403
        assert not BillingAddress.objects.exists()


def test_an_outsider_gets_404_for_our_address(cast):
    address = make(cast)
    client = client_for(cast.outsider)
    assert client.get(reverse("orgs:address_edit", args=[address.pk])).status_code == 404
    assert client.post(reverse("orgs:address_remove", args=[address.pk])).status_code == 404
    assert client.post(DEFAULT, {"address": address.pk}).status_code == 404


def test_add_edit_choose_default_and_remove(cast):
    client = client_for(cast.legal_rep)
    assert client.post(ADD, ADDRESS).status_code == 302
    address = BillingAddress.objects.get()
    assert not address.is_default
    html = client.get(reverse("orgs:detail")).content.decode()
    assert "Gran Vía 2" in html
    client.post(reverse("orgs:address_edit", args=[address.pk]), {**ADDRESS, "city": "Getafe"})
    address.refresh_from_db()
    assert address.city == "Getafe"
    client.post(DEFAULT, {"address": address.pk})
    address.refresh_from_db()
    assert address.is_default
    second = make(cast, name="Second")
    client.post(DEFAULT, {"address": second.pk})
    address.refresh_from_db()
    second.refresh_from_db()
    assert second.is_default and not address.is_default
    client.post(DEFAULT, {"address": ""})
    assert not BillingAddress.objects.filter(is_default=True).exists()
    assert client.get(reverse("orgs:address_remove", args=[address.pk])).status_code == 200
    client.post(reverse("orgs:address_remove", args=[address.pk]))
    assert not BillingAddress.objects.filter(pk=address.pk).exists()
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {
        "billing_address.added",
        "billing_address.changed",
        "billing_address.default_set",
        "billing_address.removed",
    } <= kinds


def test_a_new_default_address_replaces_the_old_default(cast):
    old = make(cast, is_default=True)
    client_for(cast.legal_rep).post(ADD, {**ADDRESS, "name": "New", "is_default": "on"})
    old.refresh_from_db()
    assert not old.is_default
    assert BillingAddress.objects.get(name="New").is_default


def test_an_incomplete_address_is_refused(cast):
    response = client_for(cast.legal_rep).post(ADD, {**ADDRESS, "city": ""})
    assert response.status_code == 200
    assert not BillingAddress.objects.exists()


def test_collaborators_see_the_addresses_read_only(cast):
    make(cast, is_default=True)
    html = client_for(cast.member).get(reverse("orgs:detail")).content.decode()
    assert "Gran Vía 2" in html
    assert DEFAULT not in html
