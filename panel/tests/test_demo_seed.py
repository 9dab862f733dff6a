"""``manage.py demo_seed``: the demo cast, idempotent (run twice, same data)."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from orgs.models import Membership, Organization, Role

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "addresses": EmailAddress.objects.count(),
        "organizations": Organization.objects.count(),
        "memberships": Membership.objects.count(),
    }


def _seed() -> str:
    out = StringIO()
    call_command("demo_seed", stdout=out)
    return out.getvalue()


def test_running_it_twice_leaves_the_same_data():
    _seed()
    first = _counts()
    assert first["users"] >= 7 and first["organizations"] >= 4
    _seed()
    assert _counts() == first


def test_every_role_and_both_currencies_are_represented():
    _seed()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.LEGAL_REPRESENTATIVE, Role.ADMINISTRATOR, Role.MEMBER}
    assert Membership.objects.filter(accounting=True).exists()
    currencies = {org.currency.value for org in Organization.objects.all()}
    assert currencies == {"EUR", "CHF"}
    assert User.objects.filter(memberships__isnull=True, is_staff=False).exists()


def test_every_demo_login_uses_the_documented_password_and_is_verified():
    output = _seed()
    for user in User.objects.all():
        assert user.check_password("demo-gestor"), user.email
        assert EmailAddress.objects.get(user=user).verified
        assert user.email in output


def test_the_logins_listed_in_the_readme_exist():
    from pathlib import Path

    from django.conf import settings

    _seed()
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    for user in User.objects.all():
        assert user.email in readme, f"{user.email} is not listed in README.md"


def test_a_first_login_lands_in_the_organization_listed_first_for_the_user():
    from django.test import Client
    from django.urls import reverse

    _seed()
    client = Client()
    client.force_login(User.objects.get(email="ana@demo.gestor.test"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Está trabajando en <span" in page  # Ana reads Spanish
    assert 'title="Hostelería Sol S.L.">Hostelería Sol S.L.</span></p>' in page
