"""X1, X3: a hostile client's text gets a clear, translated 4xx, never a 500, and
nothing of it is stored (NUL, lone surrogates, control characters, line breaks,
direction overrides, malformed bodies). Run on PostgreSQL too, where a NUL used
to be a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from accounts.tokens import api_token_create
from conftest import Cast
from testsupport.cast import TEST_PASSWORD
from testsupport.money import prepaid_credit_confirmed
from wallet.models import Withdrawal

pytestmark = pytest.mark.django_db


def _client(cast: Cast) -> tuple[Client, dict[str, str]]:
    _token, raw = api_token_create(user=cast.legal_rep.user, name="ci")
    return Client(), {"Authorization": f"Bearer {raw}"}


def _send(cast: Cast, method: str, path: str, body: object, **headers: str):  # type: ignore[no-untyped-def]
    client, auth = _client(cast)
    return getattr(client, method)(
        path.format(org=cast.org.pk),
        data=json.dumps(body),
        content_type="application/json",
        headers={**auth, **headers},
    )


def _refused(response, code: str = "invalid_text") -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code
    return error  # type: ignore[no-any-return]


def test_a_nul_in_a_query_string_is_refused_with_400(cast: Cast) -> None:
    client, auth = _client(cast)
    response = client.get(f"/api/v1/orgs/{cast.org.pk}/invoices?status=%00", headers=auth)
    error = _refused(response)
    assert error["details"] == [{"loc": ["query", "status"], "msg": error["message"]}]


def test_a_nul_in_my_name_is_refused_and_not_stored(cast: Cast) -> None:
    error = _refused(_send(cast, "patch", "/api/v1/me", {"name": "a\u0000b"}))
    assert error["details"][0]["loc"] == ["body", "name"]
    cast.legal_rep.user.refresh_from_db()
    assert cast.legal_rep.user.name == "Lea Legal"


def test_a_nul_in_a_token_name_is_refused_and_no_token_is_made(cast: Cast) -> None:
    body = {"name": "ci\u0000", "password": TEST_PASSWORD}
    _refused(_send(cast, "post", "/api/v1/me/tokens", body))
    assert ApiToken.objects.count() == 1  # the one the test authenticates with


def test_a_nul_in_a_withdrawal_holder_is_refused_and_nothing_moves(cast: Cast) -> None:
    prepaid_credit_confirmed(cast.org, "30")
    body = {
        "amount": "20.00",
        "currency": "EUR",
        "destination": "iban",
        "iban": "ES9121000418450200051332",
        "holder_name": "Ac\u0000me",
        "password": TEST_PASSWORD,
    }
    _refused(
        _send(cast, "post", "/api/v1/orgs/{org}/prepaid/withdraw", body, **{"Idempotency-Key": "w"})
    )
    assert not Withdrawal.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "x\ud800y",  # a lone surrogate: no UTF-8 for it
        "a\u0001\u001b[31mred\u007f",  # control characters, a terminal escape
        "Acme\r\nBcc: m@evil.test",  # a header injection into e-mail subjects
        "Acme\tS.L.",
        "\u202egnp.exe",  # a right-to-left override
        "Acme\u2066S.L.\u2069",  # a direction isolate
        "Acme\u0085",  # C1 next-line
    ],
)
def test_bad_characters_in_the_organization_name_are_refused(cast: Cast, name: str) -> None:
    _refused(_send(cast, "patch", "/api/v1/orgs/{org}", {"name": name}))
    cast.org.refresh_from_db()
    assert cast.org.name == "Acme Hosting S.L."


def test_bad_characters_in_a_billing_address_are_refused(cast: Cast) -> None:
    body = {
        "name": "Acme",
        "street": "Main 1\nFloor 2",
        "postcode": "08001",
        "city": "Barcelona",
        "country": "ES",
    }
    _refused(_send(cast, "post", "/api/v1/orgs/{org}/billing-addresses", body))
    assert not cast.org.billing_addresses.exists()


def test_ordinary_accents_and_scripts_pass(cast: Cast) -> None:
    response = _send(cast, "patch", "/api/v1/orgs/{org}", {"name": "Ñandú Gruß Ελλάδα 東京 S.L."})
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Ñandú Gruß Ελλάδα 東京 S.L."


def test_a_multipart_body_without_boundary_is_a_400(cast: Cast) -> None:
    client, auth = _client(cast)
    response = client.generic(
        "POST",
        f"/api/v1/orgs/{cast.org.pk}/logo",
        data=b"--x\r\nContent-Disposition: form-data; name=logo\r\n\r\nabc\r\n--x--\r\n",
        content_type="multipart/form-data",
        headers=auth,
    )
    _refused(response, code="malformed")


def test_malformed_json_is_a_translated_400(cast: Cast) -> None:
    client, auth = _client(cast)
    response = client.patch(
        "/api/v1/me",
        data=b"{not json",
        content_type="application/json",
        headers={**auth, "Accept-Language": "es"},
    )
    error = _refused(response, code="malformed")
    assert error["message"] == "El cuerpo de la solicitud no es JSON válido (UTF-8)."


def test_a_refusal_follows_accept_language(cast: Cast) -> None:
    response = _send(cast, "patch", "/api/v1/me", {"name": "a\u0000b"}, **{"Accept-Language": "de"})
    assert _refused(response)["message"].startswith("Dieser Text enthält")


def test_without_accept_language_errors_are_in_the_users_language(cast: Cast) -> None:
    cast.legal_rep.user.language = "fr"
    cast.legal_rep.user.save()
    client, auth = _client(cast)
    response = client.get(f"/api/v1/orgs/{cast.org.pk}/invoices?status=%01", headers=auth)
    assert _refused(response)["message"].startswith("Ce texte contient")


def test_pydantic_messages_are_ours_and_translated(cast: Cast) -> None:
    response = _send(
        cast, "patch", "/api/v1/orgs/{org}", {"name": "x" * 151}, **{"Accept-Language": "it"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"] == [
        {"loc": ["body", "payload", "name"], "msg": "Inserisca al massimo 150 caratteri."}
    ]


@pytest.mark.parametrize(
    ("body", "english"),
    [
        ({"name": 5}, "Input should be a valid string"),
        ({}, "Field required"),
    ],
)
def test_no_english_pydantic_message_leaks(cast: Cast, body: dict, english: str) -> None:
    response = _send(cast, "post", "/api/v1/me/tokens", body, **{"Accept-Language": "es"})
    assert response.status_code == 422
    assert english not in response.content.decode()
    assert response.json()["error"]["message"] == "La solicitud no es válida."


def test_an_unknown_api_path_is_a_translated_404_in_the_error_shape(cast: Cast) -> None:
    client, auth = _client(cast)
    response = client.get("/api/v1/no-such-thing", headers={**auth, "Accept-Language": "fr"})
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Introuvable."}}


def test_a_method_a_path_does_not_take_is_a_translated_405(cast: Cast) -> None:
    client, auth = _client(cast)
    response = client.put("/api/v1/me", headers={**auth, "Accept-Language": "de"})
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "Methode" in response.json()["error"]["message"]
    assert "PATCH" in response["Allow"]
