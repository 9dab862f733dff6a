"""The organizations API (X3): same rules and errors as the pages (O2-O6, O8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from core.models import AuditEvent
from orgs.models import BillingAddress, Invitation, Membership, Role
from orgs.services.invitations import invitation_create
from orgs.services.members import MemberPermissions
from orgs.tests.helpers import outbox_to
from testsupport.cast import TEST_PASSWORD, MembershipFactory, UserFactory

ROLES_STATUS_ADMIN = [
    ("legal_rep", 200),
    ("admin", 200),
    ("accountant", 403),
    ("member", 403),
    ("outsider", 404),
]
ROLES_STATUS_LEGAL = [
    ("legal_rep", 200),
    ("admin", 403),
    ("accountant", 403),
    ("member", 403),
    ("outsider", 404),
]


class Api:
    def __init__(self, user):  # type: ignore[no-untyped-def]
        _token, raw = api_token_create(user=user, name="test")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def __getattr__(self, method):  # type: ignore[no-untyped-def]
        call = getattr(self.client, method)

        def request(path, data=None):  # type: ignore[no-untyped-def]
            kwargs = {"content_type": "application/json"} if data is not None else {}
            return (
                call(f"/api/v1{path}", data, **kwargs)
                if data is not None
                else call(f"/api/v1{path}")
            )

        return request


def api(cast, role):  # type: ignore[no-untyped-def]
    return Api(cast.user(role))


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 200), ("accountant", 200), ("member", 200), ("outsider", 404)],
)
def test_everyone_in_the_organization_reads_its_details(cast, role, status):
    response = api(cast, role).get(f"/orgs/{cast.org.pk}")
    assert response.status_code == status
    if status == 200:
        assert response.json()["currency"] == "EUR"
    else:
        assert response.json()["error"]["code"] == "not_found"


def test_without_a_token_it_is_401(cast):
    assert Client().get(f"/api/v1/orgs/{cast.org.pk}").status_code == 401


@pytest.mark.parametrize(("role", "status"), ROLES_STATUS_LEGAL)
def test_only_legal_representatives_change_the_details(cast, role, status):
    response = api(cast, role).patch(f"/orgs/{cast.org.pk}", {"city": "Sevilla"})
    assert response.status_code == status
    cast.org.refresh_from_db()
    assert (cast.org.city == "Sevilla") == (status == 200)


def test_changing_the_country_changes_the_currency_and_mails_a_summary(cast):
    response = api(cast, "legal_rep").patch(
        f"/orgs/{cast.org.pk}", {"country": "CH", "postcode": "8001", "phone": "044 668 18 00"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "CHF"
    assert body["phone"] == "+41446681800"
    assert "Country: Spain → Switzerland" in outbox_to(cast.legal_rep.user.email)[0].body_text


def test_an_invalid_detail_is_a_400_with_the_field(cast):
    response = api(cast, "legal_rep").patch(f"/orgs/{cast.org.pk}", {"tax_id": "nonsense"})
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["loc"] == ["tax_id"]


def test_billing_addresses_through_the_api(cast):
    client = api(cast, "legal_rep")
    base = f"/orgs/{cast.org.pk}/billing-addresses"
    payload = {
        "name": "Acme Billing",
        "street": "Gran Vía 2",
        "postcode": "28013",
        "city": "Madrid",
        "country": "ES",
    }
    created = client.post(base, {**payload, "is_default": True})
    assert created.status_code == 201
    address_id = created.json()["id"]
    assert client.put(f"{base}/{address_id}", {**payload, "city": "Getafe"}).json()["city"] == (
        "Getafe"
    )
    assert (
        client.put(f"/orgs/{cast.org.pk}/default-billing-address", {"address_id": None}).status_code
        == 200
    )
    assert not BillingAddress.objects.get().is_default
    assert api(cast, "member").get(base).status_code == 200
    assert api(cast, "admin").post(base, payload).status_code == 403
    assert api(cast, "outsider").delete(f"{base}/{address_id}").status_code == 404
    assert client.delete(f"{base}/{address_id}").status_code == 204
    assert not BillingAddress.objects.exists()
    assert client.post(base, {**payload, "country": "ZZ"}).status_code == 400


@pytest.mark.parametrize(("role", "status"), ROLES_STATUS_ADMIN)
def test_members_list_access(cast, role, status):
    response = api(cast, role).get(f"/orgs/{cast.org.pk}/members")
    assert response.status_code == status
    if status == 200:
        assert response.json()["count"] == 4


def test_members_list_filters_and_pages(cast):
    client = api(cast, "admin")
    body = client.get(f"/orgs/{cast.org.pk}/members?role=member&limit=1").json()
    assert body["count"] == 2 and len(body["items"]) == 1
    body = client.get(f"/orgs/{cast.org.pk}/members?q=adam").json()
    assert [m["email"] for m in body["items"]] == ["adam@example.test"]
    assert client.get(f"/orgs/{cast.org.pk}/members?role=king").status_code == 422


def test_change_role_follows_the_rules(cast):
    base = f"/orgs/{cast.org.pk}/members"
    admin = api(cast, "admin")
    ok = admin.patch(f"{base}/{cast.member.pk}", {"role": "member", "accounting": True})
    assert ok.status_code == 200 and ok.json()["accounting"]
    above = admin.patch(f"{base}/{cast.member.pk}", {"role": "legal_representative"})
    assert above.status_code == 403
    own = admin.patch(f"{base}/{cast.admin.pk}", {"role": "member"})
    assert own.status_code == 403
    assert "own role" in own.json()["error"]["message"]
    rep = admin.patch(f"{base}/{cast.legal_rep.pk}", {"role": "member"})
    assert rep.status_code == 403
    assert api(cast, "member").patch(f"{base}/{cast.admin.pk}", {"role": "member"}).status_code == (
        403
    )
    assert api(cast, "outsider").patch(
        f"{base}/{cast.member.pk}", {"role": "member"}
    ).status_code == (404)


def test_remove_and_leave_through_the_api(cast):
    base = f"/orgs/{cast.org.pk}/members"
    assert api(cast, "member").delete(f"{base}/{cast.accountant.pk}").status_code == 403
    assert api(cast, "outsider").delete(f"{base}/{cast.accountant.pk}").status_code == 404
    assert api(cast, "admin").delete(f"{base}/{cast.legal_rep.pk}").status_code == 403
    reauth = {"password": TEST_PASSWORD}
    assert api(cast, "admin").delete(f"{base}/{cast.accountant.pk}", reauth).status_code == 204
    assert not Membership.objects.filter(pk=cast.accountant.pk).exists()
    assert outbox_to("acc@example.test")
    last = api(cast, "legal_rep").delete(f"{base}/{cast.legal_rep.pk}", reauth)
    assert last.status_code == 400
    assert last.json()["error"]["code"] == "last_legal_representative"
    assert api(cast, "member").delete(f"{base}/{cast.member.pk}", reauth).status_code == 204
    assert AuditEvent.objects.filter(kind="member.left").exists()


def test_invitations_through_the_api(cast):
    base = f"/orgs/{cast.org.pk}/invitations"
    admin = api(cast, "admin")
    created = admin.post(base, {"email": "New@Example.test", "role": "member", "accounting": True})
    assert created.status_code == 201
    body = created.json()
    assert body["email"] == "new@example.test" and body["status"] == "pending"
    assert "key" not in body  # the link goes only to the invited address
    assert admin.post(base, {"email": "new@example.test"}).status_code == 400
    assert admin.post(
        base, {"email": "x@example.test", "role": "legal_representative"}
    ).status_code == (403)
    assert [i["email"] for i in admin.get(base).json()] == ["new@example.test"]
    assert api(cast, "member").get(base).status_code == 403
    assert api(cast, "outsider").get(base).status_code == 404
    resend = admin.post(f"{base}/{body['id']}/resend")
    assert resend.status_code == 400 and resend.json()["error"]["code"] == "rate_limited"
    assert api(cast, "outsider").delete(f"{base}/{body['id']}").status_code == 404
    assert admin.delete(f"{base}/{body['id']}").status_code == 204
    assert Invitation.objects.get().revoked_at is not None


def test_accepting_through_the_api_is_bound_to_the_address(cast):
    _invitation, key = invitation_create(
        acting=cast.admin,
        email="new@example.test",
        role=Role.ADMINISTRATOR,
        permissions=MemberPermissions(),
    )
    wrong = api(cast, "outsider").post("/invitations/accept", {"key": key})
    assert wrong.status_code == 400
    assert "was sent to new@example.test" in wrong.json()["error"]["message"]
    invited = UserFactory(email="new@example.test")
    accepted = Api(invited).post("/invitations/accept", {"key": key})
    assert accepted.status_code == 200
    assert accepted.json()["role"] == "administrator"
    again = Api(invited).post("/invitations/accept", {"key": key})
    assert again.status_code == 400
    assert Membership.objects.filter(user=invited).count() == 1


@pytest.mark.parametrize(("role", "status"), ROLES_STATUS_ADMIN)
def test_audit_log_access(cast, role, status):
    assert api(cast, role).get(f"/orgs/{cast.org.pk}/audit-events").status_code == status


def test_audit_log_filters(cast):
    MembershipFactory(organization=cast.org)
    api(cast, "admin").patch(
        f"/orgs/{cast.org.pk}/members/{cast.member.pk}", {"role": "administrator"}
    )
    api(cast, "legal_rep").patch(f"/orgs/{cast.org.pk}", {"city": "Toledo"})
    client = api(cast, "legal_rep")
    body = client.get(f"/orgs/{cast.org.pk}/audit-events?actor=adam@example.test").json()
    assert [e["kind"] for e in body["items"]] == ["member.role_changed"]
    assert "from User to Administrator" in body["items"][0]["description"]
    body = client.get(f"/orgs/{cast.org.pk}/audit-events?kind=org.updated").json()
    assert body["count"] == 1 and body["items"][0]["ip"] == "127.0.0.1"
    assert (
        client.get(f"/orgs/{cast.org.pk}/audit-events?since=2000-01-01&until=2000-01-02").json()[
            "count"
        ]
        == 0
    )


def test_removing_through_the_api_needs_the_password(cast):
    """A7: a token alone cannot remove anyone."""
    url = f"/orgs/{cast.org.pk}/members/{cast.member.pk}"
    admin = api(cast, "admin")
    missing = admin.delete(url)
    wrong = admin.delete(url, {"password": "not it"})
    assert missing.status_code == wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "wrong_password"
    assert Membership.objects.filter(pk=cast.member.pk).exists()


# --- Logo through the API (O4) ----------------------------------------------------------


def _upload(user_api, org, content: bytes, name: str = "logo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return user_api.client.post(
        f"/api/v1/orgs/{org.pk}/logo", {"logo": SimpleUploadedFile(name, content)}
    )


def test_a_legal_representative_sets_and_removes_the_logo(cast):
    from orgs.tests.helpers import image_bytes

    legal = api(cast, "legal_rep")
    response = _upload(legal, cast.org, image_bytes("PNG"))
    assert response.status_code == 200
    assert response.json()["logo_url"].startswith("/media/logos/")
    assert AuditEvent.objects.filter(kind="org.updated").exists()
    assert legal.delete(f"/orgs/{cast.org.pk}/logo").status_code == 204
    cast.org.refresh_from_db()
    assert not cast.org.logo


@pytest.mark.parametrize(("role", "status"), [("admin", 403), ("member", 403), ("outsider", 404)])
def test_only_a_legal_representative_changes_the_logo(cast, role, status):
    from orgs.tests.helpers import image_bytes

    assert _upload(api(cast, role), cast.org, image_bytes("PNG")).status_code == status
    cast.org.refresh_from_db()
    assert not cast.org.logo


def test_an_svg_logo_is_refused_through_the_api_and_nothing_is_stored(cast, settings):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = _upload(api(cast, "legal_rep"), cast.org, svg, name="logo.png")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_logo"
    cast.org.refresh_from_db()
    assert not cast.org.logo
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))
