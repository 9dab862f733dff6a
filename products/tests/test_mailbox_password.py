"""S5: an administrator changes a mailbox's password, never an account password."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from conftest import Cast, client_for
from core.models import AuditEvent
from products.models import Mailbox

NEW = "Another-long-passphrase-42"


def url(mailbox: Mailbox) -> str:
    assert mailbox.product is not None
    return reverse("products:mailbox_password", args=[mailbox.product.pk, mailbox.pk])


@pytest.mark.parametrize("role", ["legal_rep", "admin"])
def test_managers_change_the_mailbox_password(cast: Cast, mailbox: Mailbox, role: str) -> None:
    acting = getattr(cast, role)
    account_hash = acting.user.password
    client = client_for(acting)
    assert client.get(url(mailbox)).status_code == 200
    response = client.post(url(mailbox), {"password1": NEW, "password2": NEW})
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert check_password(NEW, mailbox.password_hash)
    acting.user.refresh_from_db()
    assert acting.user.password == account_hash
    assert AuditEvent.objects.filter(kind="products.mailbox_password_changed").count() == 1


def test_two_different_passwords_are_refused(cast: Cast, mailbox: Mailbox) -> None:
    response = client_for(cast.admin).post(url(mailbox), {"password1": NEW, "password2": NEW + "x"})
    assert response.status_code == 200
    mailbox.refresh_from_db()
    assert mailbox.password_hash == "old"


def test_a_weak_password_is_refused(cast: Cast, mailbox: Mailbox) -> None:
    response = client_for(cast.admin).post(url(mailbox), {"password1": "123", "password2": "123"})
    assert response.status_code == 200
    mailbox.refresh_from_db()
    assert mailbox.password_hash == "old"


def test_a_mailbox_of_another_product_is_not_found(cast: Cast, mailbox: Mailbox, product) -> None:  # type: ignore[no-untyped-def]
    wrong = reverse("products:mailbox_password", args=[product.pk, mailbox.pk])
    assert client_for(cast.admin).get(wrong).status_code == 404


@pytest.mark.parametrize("role", ["accountant", "member"])
def test_plain_users_get_403(cast: Cast, mailbox: Mailbox, role: str) -> None:
    assert mailbox.product is not None
    mailbox.product.members_with_access.add(getattr(cast, role))
    assert client_for(getattr(cast, role)).get(url(mailbox)).status_code == 403


def test_the_outsider_gets_404(cast: Cast, mailbox: Mailbox) -> None:
    assert client_for(cast.outsider).get(url(mailbox)).status_code == 404


def test_anonymous_goes_to_login(mailbox: Mailbox) -> None:
    assert client_for(None).get(url(mailbox)).status_code == 302
