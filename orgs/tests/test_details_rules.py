"""O4, O5, X3: the rules of an organization's details and billing addresses live in
the service; the page and the API refuse the same values with the same translated
message (postcodes per country with django-localflavor's rules, phone, VAT number)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from orgs.models import BillingAddress, Organization
from orgs.tests.test_api import api
from orgs.tests.test_edit import form_data
from orgs.validation import postcode_clean

ADDRESS = {"name": "Acme Billing", "street": "Bahnhofstrasse 1", "city": "Zürich"}


def _message(text: str, **values: str) -> str:
    return translation.gettext(text) % values if values else translation.gettext(text)


# (changes, field, the message in the active language)
BAD_DETAILS = [
    ({"country": "CH", "postcode": "-1"}, "postcode", "postcode:CH"),
    ({"country": "ES", "postcode": "99999"}, "postcode", "postcode:ES"),
    ({"country": "DE", "postcode": "1234"}, "postcode", "postcode:DE"),
    ({"country": "ES", "phone": "12"}, "phone", "phone"),
    ({"country": "ES", "tax_id": "B1234"}, "tax_id", "tax_id"),
]


def _expected(kind: str) -> str:
    from django_countries import countries

    if kind.startswith("postcode:"):
        name = dict(countries)[kind.split(":")[1]]
        return _message("This is not a valid postcode for %(country)s.", country=str(name))
    if kind == "phone":
        return _message("This is not a valid phone number. Include the country code, e.g. +34.")
    return _message("This is not a valid VAT or company number for the chosen country.")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("changes", "field", "kind"), BAD_DETAILS)
def test_the_page_and_the_api_refuse_bad_details_with_the_same_message(
    cast, changes, field, kind, language
):
    user = cast.legal_rep.user
    user.language = language
    user.save(update_fields=["language"])
    with translation.override(language):
        expected = _expected(kind)
    with translation.override("en"):
        assert (expected != _expected(kind)) is (language != "en")  # translated
    page = client_for(cast.legal_rep).post(
        reverse("orgs:edit"), form_data(**changes), HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 200
    assert expected in html.unescape(page.content.decode())
    response = api(cast, "legal_rep").patch(f"/orgs/{cast.org.pk}", changes)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == expected
    assert error["details"][0]["loc"] == [field]
    cast.org.refresh_from_db()
    assert cast.org.country == "ES" and cast.org.postcode != changes.get("postcode")


def test_both_surfaces_store_the_postcode_in_the_countrys_form(cast):
    client_for(cast.legal_rep).post(
        reverse("orgs:edit"), form_data(country="GB", postcode="sw1a1aa", city="London")
    )
    assert Organization.objects.get(pk=cast.org.pk).postcode == "SW1A 1AA"
    response = api(cast, "legal_rep").patch(
        f"/orgs/{cast.org.pk}", {"country": "NL", "postcode": "1234ab"}
    )
    assert response.status_code == 200
    assert response.json()["postcode"] == "1234 AB"


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_billing_address_with_a_postcode_of_no_swiss_shape_is_refused_on_both(cast, language):
    user = cast.legal_rep.user
    user.language = language
    user.save(update_fields=["language"])
    with translation.override(language):
        expected = _expected("postcode:CH")
    with translation.override("en"):
        assert (expected != _expected("postcode:CH")) is (language != "en")  # translated
    bad = {**ADDRESS, "postcode": "-1", "country": "CH"}
    page = client_for(cast.legal_rep).post(
        reverse("orgs:address_add"), bad, HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 200
    assert expected in html.unescape(page.content.decode())
    response = api(cast, "legal_rep").post(f"/orgs/{cast.org.pk}/billing-addresses", bad)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == expected
    assert not BillingAddress.objects.exists()


@pytest.mark.parametrize(
    ("country", "postcode", "stored"),
    [
        ("CH", "8001", "8001"),
        ("LI", "9490", "9490"),  # Swiss rules for Liechtenstein
        ("ES", "28013", "28013"),
        ("FR", "75001", "75001"),
        ("IT", "00184", "00184"),
        ("DE", "10115", "10115"),
        ("IE", "d02 x285", "D02 X285"),  # no localflavor rule: the generic shape
        ("", "12345", "12345"),
    ],
)
def test_good_postcodes_are_kept_in_the_countrys_form(country, postcode, stored):
    assert postcode_clean(postcode, country=country) == stored


@pytest.mark.parametrize(
    ("country", "postcode"),
    [("CH", "-1"), ("CH", "80010"), ("LI", "-1"), ("IE", "-1"), ("IE", "A"), ("HK", "--")],
)
def test_bad_postcodes_are_refused_for_every_country(country, postcode):
    from core.errors import BusinessError

    with pytest.raises(BusinessError) as refused:
        postcode_clean(postcode, country=country)
    assert refused.value.field == "postcode"
