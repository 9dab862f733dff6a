"""O6: removing a user (explanation → password → confirmation → red button) and leaving."""

import pytest
from django.urls import reverse

from conftest import client_for
from core.errors import BusinessError
from core.models import AuditEvent
from flows.member_removal import MemberDataDecisions, member_leave, member_remove
from orgs.access import SESSION_KEY
from orgs.models import Membership, Role
from orgs.tests.helpers import outbox_to, reauthenticated
from testsupport.cast import MembershipFactory


def start(member):
    return reverse("orgs:member_remove", args=[member.pk])


def confirm(member):
    return reverse("orgs:member_remove_confirm", args=[member.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 200), ("accountant", 403), ("member", 403), ("outsider", 404)],
)
def test_access_to_the_explanation_page(cast, role, status):
    assert client_for(getattr(cast, role)).get(start(cast.accountant)).status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("accountant", 403), ("member", 403), ("outsider", 404)]
)
def test_the_confirmation_is_refused_to_others(cast, role, status):
    client = reauthenticated(client_for(getattr(cast, role)), cast.user(role))
    response = client.post(confirm(cast.accountant), {"confirm": "on"})
    assert response.status_code == status
    assert Membership.objects.filter(pk=cast.accountant.pk).exists()


def test_anonymous_goes_to_login(cast):
    assert "/accounts/login/" in client_for(None).get(start(cast.member))["Location"]


def test_the_full_flow_removes_the_user_and_tells_them(cast):
    client = client_for(cast.admin)
    html = client.get(start(cast.member)).content.decode()
    assert confirm(cast.member) in html  # Continue
    # Without a recent password, the confirmation asks for it first.
    response = client.get(confirm(cast.member))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticated(client, cast.admin.user)
    html = client.get(confirm(cast.member)).content.decode()
    assert "Remove this user" in html
    # The box must be ticked.
    response = client.post(confirm(cast.member), {})
    assert "Please tick the box to confirm." in response.content.decode()
    assert Membership.objects.filter(pk=cast.member.pk).exists()
    response = client.post(confirm(cast.member), {"confirm": "on"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=cast.member.pk).exists()
    [mail] = outbox_to("max@example.test")
    assert "removed" in mail.subject
    assert "Adam Admin removed you from the organization Acme Hosting S.L." in mail.body_text
    event = AuditEvent.objects.get(kind="member.removed")
    assert event.actor == cast.admin.user
    assert event.data["member"] == "max@example.test"


def test_the_password_page_returns_to_the_confirmation(cast):
    client = client_for(cast.admin)
    response = client.get(confirm(cast.member))
    assert "next=" in response["Location"]
    assert confirm(cast.member).replace("/", "%2F") in response["Location"]


def test_the_removed_users_next_request_is_refused_and_switches_organization(cast):
    elsewhere = MembershipFactory(user=cast.member.user, role=Role.ADMINISTRATOR)
    removed_client = client_for(cast.member)
    member_remove(acting=cast.admin, member=cast.member)
    response = removed_client.get(reverse("orgs:detail"))
    html = response.content.decode()
    assert elsewhere.organization.name in html
    assert "Acme Hosting S.L." not in html
    assert removed_client.session[SESSION_KEY] == elsewhere.organization_id


def test_an_admin_cannot_remove_a_legal_representative_and_is_told_why(cast):
    MembershipFactory(organization=cast.org, role=Role.LEGAL_REPRESENTATIVE)
    client = reauthenticated(client_for(cast.admin), cast.admin.user)
    html = client.get(start(cast.legal_rep)).content.decode()
    assert "Only a legal representative can remove a legal representative." in html
    assert confirm(cast.legal_rep) not in html
    response = client.post(confirm(cast.legal_rep), {"confirm": "on"})
    assert response.status_code == 409
    assert Membership.objects.filter(pk=cast.legal_rep.pk).exists()


def test_a_legal_representative_removes_another_legal_representative(cast):
    other = MembershipFactory(organization=cast.org, role=Role.LEGAL_REPRESENTATIVE)
    member_remove(acting=cast.legal_rep, member=other)
    assert not Membership.objects.filter(pk=other.pk).exists()


def test_the_last_legal_representative_cannot_be_removed_and_the_page_says_why(cast):
    other = MembershipFactory(organization=cast.org, role=Role.LEGAL_REPRESENTATIVE)
    other.user.is_active = False  # an inactive representative does not count
    other.user.save()
    client = reauthenticated(client_for(other), other.user)
    Membership.objects.filter(pk=other.pk).update(role=Role.LEGAL_REPRESENTATIVE)
    with pytest.raises(BusinessError) as exc:
        member_remove(acting=other, member=cast.legal_rep)
    assert exc.value.code == "last_legal_representative"
    client = reauthenticated(client_for(cast.legal_rep), cast.legal_rep.user)
    html = client.get(reverse("orgs:leave")).content.decode()
    assert "always needs at least one active legal representative" in html
    assert reverse("orgs:leave_confirm") not in html


def test_the_data_decisions_are_accepted_by_the_service(cast):
    member_remove(
        acting=cast.legal_rep,
        member=cast.member,
        data_decisions=MemberDataDecisions(transfer_files_to=cast.admin.pk),
    )
    assert not Membership.objects.filter(pk=cast.member.pk).exists()


def test_removing_a_user_already_gone_says_so(cast):
    stale = Membership.objects.get(pk=cast.member.pk)
    member_remove(acting=cast.admin, member=cast.member)
    with pytest.raises(BusinessError) as exc:
        member_remove(acting=cast.legal_rep, member=stale)
    assert exc.value.code == "gone"


# --- Leaving ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "accountant", "member"])
def test_a_user_leaves_on_their_own(cast, role):
    membership = getattr(cast, role)
    client = client_for(membership)
    assert reverse("orgs:leave_confirm") in client.get(reverse("orgs:leave")).content.decode()
    reauthenticated(client, membership.user)
    response = client.post(reverse("orgs:leave_confirm"), {"confirm": "on"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(kind="member.left", actor=membership.user).exists()
    assert outbox_to(membership.user.email)


def test_the_last_legal_representative_cannot_leave(cast):
    client = reauthenticated(client_for(cast.legal_rep), cast.legal_rep.user)
    response = client.post(reverse("orgs:leave_confirm"), {"confirm": "on"})
    assert response.status_code == 409
    assert Membership.objects.filter(pk=cast.legal_rep.pk).exists()
    with pytest.raises(BusinessError):
        member_leave(member=cast.legal_rep)


def test_a_legal_representative_leaves_when_another_remains(cast):
    MembershipFactory(organization=cast.org, role=Role.LEGAL_REPRESENTATIVE)
    member_leave(member=cast.legal_rep)
    assert not Membership.objects.filter(pk=cast.legal_rep.pk).exists()


def test_the_row_menu_of_my_own_row_offers_leaving(cast):
    html = client_for(cast.admin).get(reverse("orgs:members")).content.decode()
    assert reverse("orgs:leave") in html
    assert start(cast.admin) not in html
    assert client_for(cast.admin).get(start(cast.admin))["Location"] == reverse("orgs:leave")


# --- The member's files (O6 data step) ------------------------------------------------


def _files_of(member, count=2):  # type: ignore[no-untyped-def]
    from datetime import date

    from catalog.demo import catalog_ensure
    from catalog.models import Plan
    from products.models import ProductInstance, StoredFile

    catalog_ensure()
    storage = ProductInstance.objects.create(
        organization=member.organization,
        plan=Plan.objects.get(slug="storage-100"),
        name="Archivos",
        period_months=12,
        term_start=date(2026, 3, 1),
        term_end=date(2027, 2, 28),
    )
    return [
        StoredFile.objects.create(product=storage, owner=member, name=f"f{i}.pdf", size_bytes=10)
        for i in range(count)
    ]


def test_the_page_asks_what_becomes_of_the_members_files_and_gives_them_away(cast):
    files = _files_of(cast.member)
    client = reauthenticated(client_for(cast.admin), cast.admin.user)
    html = client.get(confirm(cast.member)).content.decode()
    assert "What becomes of the 2 files they own in the file storage?" in html
    assert "Give them to Alba Accounting" in html
    response = client.post(confirm(cast.member), {"confirm": "on"})
    assert "This field is required." in response.content.decode()
    response = client.post(
        confirm(cast.member), {"confirm": "on", "files": f"to:{cast.accountant.pk}"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=cast.member.pk).exists()
    assert {f.owner_id for f in type(files[0]).objects.all()} == {cast.accountant.pk}


def test_a_leaving_member_may_delete_their_files(cast):
    files = _files_of(cast.member, count=1)
    member_leave(member=cast.member, data_decisions=MemberDataDecisions(transfer_files_to=None))
    assert not type(files[0]).objects.exists()


def test_without_a_decision_the_files_go_to_the_remover(cast):
    files = _files_of(cast.member, count=1)
    member_remove(acting=cast.admin, member=cast.member)
    assert type(files[0]).objects.get().owner_id == cast.admin.pk


def test_one_file_is_spoken_of_in_the_singular(cast):
    """X1: "Dárselo a …" for one file, "Dárselos a …" for several (ngettext)."""
    _files_of(cast.member, count=1)
    cast.admin.user.language = "es"
    cast.admin.user.save(update_fields=["language"])
    client = reauthenticated(client_for(cast.admin), cast.admin.user)
    html = client.get(confirm(cast.member)).content.decode()
    assert "Dárselo a Alba Accounting" in html and "Eliminarlo" in html
    assert "Dárselos" not in html


def test_the_row_menu_offers_removal_only_where_the_rules_allow_it(cast):
    """O6: an administrator is not offered *Remove* for a legal representative (the
    service would refuse); a legal representative is, when another one remains."""
    second = MembershipFactory(organization=cast.org, role=Role.LEGAL_REPRESENTATIVE)
    admin_page = client_for(cast.admin).get(reverse("orgs:members")).content.decode()
    assert start(cast.member) in admin_page
    assert start(cast.legal_rep) not in admin_page and start(second) not in admin_page
    rep_page = client_for(cast.legal_rep).get(reverse("orgs:members")).content.decode()
    assert start(second) in rep_page and start(cast.admin) in rep_page
