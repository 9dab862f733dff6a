"""Password reset by e-mail (A6), through the outbox, in the owner's language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.models import OutboxEmail
from testsupport.cast import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another long passphrase 77"


def _reset_link(email: str) -> str:
    mail = OutboxEmail.objects.filter(to=email).latest("id")
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def test_a_forgotten_password_is_reset_through_the_emailed_link(client):
    user = UserFactory(email="ana@example.test")
    response = client.post(reverse("account_reset_password"), {"email": "ANA@example.test"})
    assert response.status_code == 302

    page = client.get(_reset_link("ana@example.test"))
    assert page.status_code == 302  # allauth moves the key into the session
    form = client.get(page["Location"])
    assert form.status_code == 200
    done = client.post(page["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.logout()
    login = client.post(
        reverse("account_login"), {"login": "ana@example.test", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_used_reset_link_does_not_work_twice(client):
    UserFactory(email="ana@example.test")
    client.post(reverse("account_reset_password"), {"email": "ana@example.test"})
    link = _reset_link("ana@example.test")
    target = client.get(link)["Location"]
    client.post(target, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    again = client.get(link, follow=True)
    assert "password1" not in again.content.decode()


def test_the_reset_email_is_written_in_the_owners_language(client):
    UserFactory(email="ana@example.test", language="es")
    client.post(reverse("account_reset_password"), {"email": "ana@example.test"})
    mail = OutboxEmail.objects.get(to="ana@example.test")
    assert mail.language == "es"
    assert mail.template == "account/email/password_reset_key"
    assert "contraseña" in mail.subject.lower()


def test_an_unknown_address_gets_the_same_answer_and_no_reset_link(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert not OutboxEmail.objects.filter(
        to="nobody@example.test", template="account/email/password_reset_key"
    ).exists()
