"""Sign-up (A1): name, e-mail and password; mandatory verification by e-mail; a
personal organization named after the user, who is its legal representative."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import User
from core.models import AuditEvent, OutboxEmail
from orgs.models import Membership, OrganizationKind, Role
from testsupport.cast import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "A long and unusual passphrase 42"


def _signup(client, email="nora@example.test", name="Nora Nueva", **extra):  # type: ignore[no-untyped-def]
    data = {"name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("account_signup"), data | extra, **{})


def test_signing_up_creates_a_personal_organization_named_after_the_user(client):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="nora@example.test")
    assert user.name == "Nora Nueva"
    membership = Membership.objects.select_related("organization").get(user=user)
    assert membership.organization.name == "Nora Nueva"
    assert membership.organization.kind == OrganizationKind.INDIVIDUAL
    assert membership.role == Role.LEGAL_REPRESENTATIVE
    assert set(AuditEvent.objects.filter(actor=user).values_list("kind", flat=True)) >= {
        "account.signed_up",
        "org.created",
    }


def test_argon2_is_the_first_password_hasher():
    from gestor import settings as project  # the test suite itself uses a fast hasher

    assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_address_is_stored_in_lower_case(client):
    _signup(client, email="  Nora.Nueva@Example.TEST ")
    assert User.objects.filter(email="nora.nueva@example.test").exists()


def test_after_signing_up_the_user_must_verify_the_address_before_using_the_panel(client):
    response = _signup(client)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert not EmailAddress.objects.get(email="nora@example.test").verified
    mail = OutboxEmail.objects.get(to="nora@example.test")
    assert "/accounts/confirm-email/" in mail.body_text


def test_logging_in_before_verifying_is_refused(client):
    _signup(client)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "nora@example.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_following_the_emailed_link_verifies_the_address_and_logs_in(client):
    _signup(client)
    mail = OutboxEmail.objects.get(to="nora@example.test")
    link = next(word for word in mail.body_text.split() if "/accounts/confirm-email/" in word)
    path = link[link.index("/accounts/") :]
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nora@example.test").verified
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_duplicate_email_in_other_letter_case_is_refused_with_a_clear_error(client):
    UserFactory(email="taken@example.test")
    response = _signup(client, email="TAKEN@Example.test")
    assert response.status_code == 200
    assert "An account with this e-mail address already exists." in response.content.decode()
    assert User.objects.filter(email__iexact="taken@example.test").count() == 1


def test_the_database_refuses_a_duplicate_email_in_other_letter_case():
    UserFactory(email="taken@example.test")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="Taken@Example.TEST")])


def test_the_verification_email_goes_through_the_outbox_in_the_language_of_the_sign_up(client):
    client.cookies["django_language"] = "es"
    _signup(client)
    user = User.objects.get(email="nora@example.test")
    assert user.language == "es"
    mail = OutboxEmail.objects.get(to="nora@example.test")
    assert mail.language == "es"
    assert mail.template == "account/email/email_confirmation_signup"
    assert mail.subject.startswith("[Gestor] ")
    assert mail.subject == (
        "[Gestor] Confirme su dirección de correo electrónico para empezar a usar Gestor"
    )


def test_a_signup_without_a_name_is_refused(client):
    response = _signup(client, name="")
    assert response.status_code == 200
    assert not User.objects.exists()
