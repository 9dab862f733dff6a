"""O8: the audit log page."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from core.models import AuditEvent
from flows.member_removal import member_remove
from orgs.models import Role
from orgs.services.invitations import invitation_create
from orgs.services.members import MemberPermissions, member_update

URL = reverse("orgs:audit")


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 200), ("accountant", 403), ("member", 403)],
)
def test_legal_representatives_and_administrators_read_the_audit_log(cast, role, status):
    assert client_for(getattr(cast, role)).get(URL).status_code == status


def test_anonymous_goes_to_login(cast):
    assert "/accounts/login/" in client_for(None).get(URL)["Location"]


def test_an_outsider_sees_only_their_own_organizations_events(cast):
    member_remove(acting=cast.admin, member=cast.member)
    html = client_for(cast.outsider).get(URL).content.decode()
    assert "max@example.test" not in html


def test_the_nav_shows_the_audit_log_to_those_who_may_read_it(cast):
    assert URL in client_for(cast.admin).get(reverse("dashboard")).content.decode()
    assert URL not in client_for(cast.member).get(reverse("dashboard")).content.decode()


def test_events_read_as_sentences_with_who_when_and_ip(cast):
    client = client_for(cast.legal_rep)
    client.post(reverse("orgs:member_edit", args=[cast.member.pk]), {"role": "administrator"})
    html = client.get(URL).content.decode()
    assert "Role changed" in html
    assert "Changed the role of max@example.test from User to Administrator." in html
    assert "Lea Legal" in html
    assert "127.0.0.1" in html


def test_filters_by_actor_kind_and_period(cast):
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        member_update(
            acting=cast.legal_rep,
            member=cast.member,
            role=Role.ADMINISTRATOR,
            permissions=MemberPermissions(),
        )
    invitation_create(
        acting=cast.admin, email="n@example.test", role="member", permissions=MemberPermissions()
    )
    client = client_for(cast.legal_rep)
    html = client.get(URL, {"actor": cast.admin.user.pk}).content.decode()
    assert "Invited n@example.test" in html and "Changed the role" not in html
    html = client.get(URL, {"kind": "member.role_changed"}).content.decode()
    assert "Changed the role" in html and "Invited" not in html
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    html = client.get(URL, {"since": since}).content.decode()
    assert "Invited" in html and "Changed the role" not in html
    until = (timezone.localdate() - timedelta(days=10)).isoformat()
    html = client.get(URL, {"until": until}).content.decode()
    assert "Changed the role" in html and "Invited" not in html


def test_bad_filters_do_not_break_the_page(cast):
    response = client_for(cast.admin).get(URL, {"actor": "x", "since": "yesterday", "page": "-1"})
    assert response.status_code == 200


def test_it_paginates_with_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    AuditEvent.objects.bulk_create(
        AuditEvent(organization=cast.org, actor=cast.admin.user, kind="member.left", data={})
        for _ in range(120)
    )
    client = client_for(cast.admin)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(15):
        html = client.get(URL, {"page": 2}).content.decode()
    assert "Page 2 of 3" in html


def test_the_page_offers_no_way_to_change_entries(cast):
    member_remove(acting=cast.admin, member=cast.member)
    response = client_for(cast.admin).post(URL)
    assert response.status_code == 405


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_at_the_edge_of_the_calendar_are_no_error(cast, day):
    member_remove(acting=cast.admin, member=cast.member)
    client = client_for(cast.admin)
    assert "Removed max@example.test" in client.get(URL, {"since": "0001-01-01"}).content.decode()
    assert client.get(URL, {"until": day}).status_code == 200


def test_events_of_other_areas_read_with_their_names(cast):
    AuditEvent.objects.create(organization=cast.org, actor=cast.admin.user, kind="invoice.issued")
    AuditEvent.objects.create(organization=cast.org, actor=cast.admin.user, kind="some.future")
    html = client_for(cast.legal_rep).get(URL).content.decode()
    assert "Invoice issued" in html
    assert "some.future" in html  # an unknown kind still shows, as recorded
