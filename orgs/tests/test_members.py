"""O2: the Users page: roles, permissions, last activity, pending invitations."""

import pytest
from django.urls import reverse

from conftest import client_for
from orgs.models import Role
from orgs.services.invitations import invitation_create
from orgs.services.members import MemberPermissions
from testsupport.cast import MembershipFactory, UserFactory

URL = reverse("orgs:members")


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 200), ("accountant", 403), ("member", 403)],
)
def test_administrators_and_legal_representatives_see_the_users(cast, role, status):
    assert client_for(getattr(cast, role)).get(URL).status_code == status


def test_an_outsider_sees_only_their_own_users(cast):
    html = client_for(cast.outsider).get(URL).content.decode()
    assert "otto@example.test" in html
    assert "lea@example.test" not in html


def test_anonymous_goes_to_login(cast):
    assert "/accounts/login/" in client_for(None).get(URL)["Location"]


def test_it_lists_name_email_role_permissions_and_pending_invitations(cast):
    invitation_create(
        acting=cast.admin,
        email="new@example.test",
        role=Role.MEMBER,
        permissions=MemberPermissions(accounting=True),
    )
    html = client_for(cast.admin).get(URL).content.decode()
    for text in ["Lea Legal", "adam@example.test", "Legal representative", "Accounting"]:
        assert text in html
    assert "new@example.test" in html
    assert "Pending invitations" in html
    assert reverse("orgs:member_remove", args=[cast.member.pk]) in html


def test_it_filters_by_role_and_searches_by_name_or_email(cast):
    client = client_for(cast.admin)
    html = client.get(URL, {"role": "member"}).content.decode()
    assert "max@example.test" in html
    assert "lea@example.test" not in html
    html = client.get(URL, {"q": "ALBA"}).content.decode()
    assert "acc@example.test" in html
    assert "max@example.test" not in html


def test_a_bad_filter_is_ignored_not_an_error(cast):
    response = client_for(cast.admin).get(URL, {"role": "emperor", "page": "x"})
    assert response.status_code == 200


def test_it_paginates_with_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    for _ in range(40):
        MembershipFactory(organization=cast.org, user=UserFactory())
    client = client_for(cast.admin)
    client.get(reverse("dashboard"))  # the session's first request records it (allauth)
    with django_assert_max_num_queries(15) as captured:
        first = client.get(URL)
    html = first.content.decode()
    assert "Page 1" in html and "page=2" in html
    # Issue 9: the users are not counted to show 50 of them.
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"]]
    with django_assert_max_num_queries(15):
        second = client.get(URL, {"page": 2})
    assert second.status_code == 200
    assert len(first.context["page"]) + len(second.context["page"]) == 44  # 40 + the cast's 4
    assert "page=3" not in second.content.decode()


def test_last_activity_is_shown(cast):
    client_for(cast.member).get(reverse("dashboard"))
    html = client_for(cast.admin).get(URL).content.decode()
    assert html.count("<time datetime=") >= 2  # the admin and the member
