"""Profile page (A2): the login e-mail, the name and language, API tokens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from conftest import ROLES, client_for

pytestmark = pytest.mark.django_db

URL = reverse("profile")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_their_own_login_email(cast, role):
    response = client_for(getattr(cast, role)).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-testid="profile-login-email">{cast.user(role).email}<' in page
    others = {cast.user(r).email for r in ROLES} - {cast.user(role).email}
    assert not any(f">{email}<" in page for email in others)


def test_the_user_menu_shows_the_login_email_and_initials(cast):
    page = client_for(cast.member).get(reverse("dashboard")).content.decode()
    assert 'data-testid="login-email">max@example.test<' in page
    assert ">MM</span>" in page


def test_a_user_without_organization_can_open_the_profile(db):
    from testsupport.cast import UserFactory

    assert client_for(UserFactory()).get(URL).status_code == 200


def test_saving_the_identity_changes_name_and_language(cast):
    client = client_for(cast.member)
    response = client.post(URL, {"name": "Max Mustermann", "language": "de"})
    assert response.status_code == 302
    user = User.objects.get(pk=cast.member.user.pk)
    assert (user.name, user.language) == ("Max Mustermann", "de")


def test_the_profile_form_cannot_change_the_login_email(cast):
    client_for(cast.member).post(
        URL, {"name": "Max", "language": "en", "email": "other@example.test"}
    )
    assert User.objects.get(pk=cast.member.user.pk).email == "max@example.test"


def test_an_unknown_language_is_a_form_error_not_a_500(cast):
    response = client_for(cast.member).post(URL, {"name": "Max", "language": "xx"})
    assert response.status_code == 200
    assert User.objects.get(pk=cast.member.user.pk).language == "en"


def test_the_profile_page_has_no_duplicate_ids(cast):
    """The token form's name field once shared id_name with the identity form, so
    its label filled the user's name instead (issue 8 §2, found by the browser test)."""
    import re
    from collections import Counter

    from testsupport.auth import client_reauthenticate

    html = (
        client_reauthenticate(client_for(cast.member), cast.member.user)
        .get(reverse("profile"))
        .content.decode()
    )
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
