"""O4, O5: legal representatives change the organization's details."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import client_for
from core.models import AuditEvent, OutboxEmail
from orgs.models import Organization, Role
from orgs.tests.helpers import image_bytes, outbox_to
from testsupport.cast import MembershipFactory

URL = reverse("orgs:edit")


def form_data(**changes):
    data = {
        "name": "Acme Hosting S.L.",
        "kind": "company",
        "street": "Calle Mayor 1",
        "postcode": "28013",
        "city": "Madrid",
        "country": "ES",
        "phone": "",
        "tax_id": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [("legal_rep", 200), ("admin", 403), ("accountant", 403), ("member", 403)],
)
def test_only_legal_representatives_open_the_form(cast, role, status):
    assert client_for(getattr(cast, role)).get(URL).status_code == status


@pytest.mark.parametrize("role", ["admin", "accountant", "member"])
def test_a_collaborator_who_posts_gets_403_and_nothing_changes(cast, role):
    response = client_for(getattr(cast, role)).post(URL, form_data(name="Hijacked"))
    assert response.status_code == 403
    cast.org.refresh_from_db()
    assert cast.org.name == "Acme Hosting S.L."


def test_an_outsider_edits_only_their_own_organization(cast):
    response = client_for(cast.outsider).post(URL, form_data(name="Renamed"))
    assert response.status_code == 302
    cast.org.refresh_from_db()
    assert cast.org.name == "Acme Hosting S.L."
    assert Organization.objects.get(pk=cast.outsider.organization_id).name == "Renamed"


def test_anonymous_goes_to_login(cast):
    assert "/accounts/login/" in client_for(None).post(URL, form_data())["Location"]


def test_saving_mails_every_legal_representative_a_summary_old_to_new(cast):
    second = MembershipFactory(organization=cast.org, role=Role.LEGAL_REPRESENTATIVE)
    second.user.language = "es"
    second.user.save()
    response = client_for(cast.legal_rep).post(
        URL,
        form_data(
            name="Acme Cloud S.L.",
            city="Barcelona",
            postcode="08001",
            phone="+34 912 345 678",
            tax_id="B12345674",
        ),
    )
    assert response.status_code == 302
    cast.org.refresh_from_db()
    assert str(cast.org.phone) == "+34912345678"  # stored E.164
    assert cast.org.tax_id == "B12345674"
    [mail] = outbox_to(cast.legal_rep.user.email)
    assert "Acme Cloud S.L." in mail.subject
    assert "Name: Acme Hosting S.L. → Acme Cloud S.L." in mail.body_text
    assert "City: Madrid → Barcelona" in mail.body_text
    assert "Contact phone: — → +34 912 34 56 78" in mail.body_text
    assert "Lea Legal" in mail.body_text
    [mail_es] = outbox_to(second.user.email)
    assert "Ciudad: Madrid → Barcelona" in mail_es.body_text
    assert not outbox_to(cast.admin.user.email)
    event = AuditEvent.objects.get(kind="org.updated")
    assert event.actor == cast.legal_rep.user
    assert event.data["city"] == ["Madrid", "Barcelona"]


def test_saving_without_a_change_sends_nothing(cast):
    response = client_for(cast.legal_rep).post(URL, form_data())
    assert response.status_code == 302
    assert OutboxEmail.objects.count() == 0
    assert not AuditEvent.objects.filter(kind="org.updated").exists()


def test_moving_to_switzerland_says_the_next_invoices_are_in_chf(cast):
    client = client_for(cast.legal_rep)
    preview = client.post(URL, form_data(country="CH", preview="1"))
    html = preview.content.decode()
    assert preview.status_code == 200
    assert '<strong id="currency-next">CHF</strong>' in html
    assert "invoices already issued keep their currency" in html
    cast.org.refresh_from_db()
    assert cast.org.country == "ES"  # the preview saves nothing
    client.post(URL, form_data(country="CH", postcode="8001", city="Zürich"))
    cast.org.refresh_from_db()
    assert cast.org.currency == "CHF"
    [mail] = outbox_to(cast.legal_rep.user.email)
    assert "The next invoices will be in CHF" in mail.body_text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_id", "B1234", "not a valid VAT or company number"),
        ("phone", "12", "not a valid phone number"),
        ("name", "", "This field is required"),
        ("kind", "pirate", "Select a valid choice"),
        ("country", "XX", "Select a valid choice"),
    ],
)
def test_invalid_details_are_refused_with_a_message(cast, field, value, message):
    response = client_for(cast.legal_rep).post(URL, form_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OutboxEmail.objects.count() == 0


def test_a_swiss_uid_is_accepted_for_switzerland(cast):
    client_for(cast.legal_rep).post(
        URL, form_data(country="CH", postcode="8001", tax_id="CHE-123.456.788")
    )
    cast.org.refresh_from_db()
    assert cast.org.tax_id == "CHE-123.456.788"


# --- Logo ---------------------------------------------------------------------


def upload(content: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_a_png_jpeg_or_webp_logo_is_reencoded_and_shown_in_the_top_bar(cast, fmt, ext):
    mode = "RGB" if fmt == "JPEG" else "RGBA"
    raw = image_bytes(fmt, mode=mode) + b"<?php echo 'trailing'; ?>"
    client = client_for(cast.legal_rep)
    response = client.post(URL, {**form_data(), "logo": upload(raw, f"logo.{ext}")})
    assert response.status_code == 302
    cast.org.refresh_from_db()
    assert cast.org.logo.name.endswith(f".{ext}")
    stored = cast.org.logo.read()
    assert b"<?php" not in stored
    html = client.get(reverse("dashboard")).content.decode()
    assert f'<img src="{cast.org.logo.url}" alt="" class="org-logo">' in html
    [mail] = outbox_to(cast.legal_rep.user.email)
    assert "Logo: — → a new logo" in mail.body_text


def _bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose header claims huge dimensions (decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * (width + 1) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (_bomb_png(), "bomb.png", "larger than 4096 × 4096 pixels"),
        (image_bytes("PNG", size=(4097, 10)), "wide.png", "larger than 4096 × 4096 pixels"),
        (SVG, "logo.svg", "SVG included, are not accepted"),
        (SVG, "logo.png", "SVG included, are not accepted"),
        (b"<?php system($_GET['c']); ?>", "shell.png", "must be a PNG, JPEG or WebP"),
        (b"\x89PNG" + b"\x00" * (10 * 1024 * 1024), "big.png", "larger than 2 MB"),
        (image_bytes("PNG", size=(300, 300))[:200], "truncated.png", "must be a PNG, JPEG or WebP"),
        (image_bytes("GIF", mode="RGB"), "anim.gif", "must be a PNG, JPEG or WebP"),
    ],
    ids=["bomb", "too-wide", "svg", "svg-named-png", "php", "10mb", "truncated", "gif"],
)
def test_a_bad_logo_is_refused_and_nothing_is_stored(cast, settings, content, name, message):
    response = client_for(cast.legal_rep).post(URL, {**form_data(), "logo": upload(content, name)})
    assert response.status_code == 200
    assert message in response.content.decode()
    cast.org.refresh_from_db()
    assert not cast.org.logo
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True
    assert OutboxEmail.objects.count() == 0


def test_the_logo_can_be_removed(cast):
    client = client_for(cast.legal_rep)
    client.post(URL, {**form_data(), "logo": upload(image_bytes())})
    cast.org.refresh_from_db()
    assert cast.org.logo
    client.post(URL, {**form_data(), "remove_logo": "on"})
    cast.org.refresh_from_db()
    assert not cast.org.logo


def test_image_bytes_helper_makes_a_png():
    assert image_bytes().startswith(b"\x89PNG")
    assert io.BytesIO(image_bytes()).read(4) == b"\x89PNG"
