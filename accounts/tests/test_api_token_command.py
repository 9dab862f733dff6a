"""``manage.py api_token create EMAIL [--name NAME]`` prints a new personal API token."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken
from accounts.tokens import api_token_user
from testsupport.cast import UserFactory

pytestmark = pytest.mark.django_db


def _create(*args: str) -> str:
    out = StringIO()
    call_command("api_token", "create", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_a_working_token_for_the_user():
    user = UserFactory(email="ops@example.test")
    raw = _create("OPS@example.test", "--name", "backup script")
    assert raw.startswith("gst_")
    assert api_token_user(raw) == user
    assert ApiToken.objects.get(user=user).name == "backup script"


def test_the_name_defaults_to_api():
    UserFactory(email="ops@example.test")
    _create("ops@example.test")
    assert ApiToken.objects.get().name == "API"


def test_an_unknown_email_is_a_clear_error():
    with pytest.raises(CommandError, match="No active user has the login e-mail address"):
        _create("nobody@example.test")
    assert not ApiToken.objects.exists()


def test_a_deactivated_user_gets_no_token():
    UserFactory(email="gone@example.test", is_active=False)
    with pytest.raises(CommandError):
        _create("gone@example.test")


def test_an_overlong_name_is_refused():
    UserFactory(email="ops@example.test")
    with pytest.raises(CommandError, match="1 to 100 characters"):
        _create("ops@example.test", "--name", "x" * 101)


def test_an_action_is_required():
    with pytest.raises(CommandError):
        call_command("api_token", stdout=StringIO())
