"""The avatar of the user pill (A2): uploaded, re-encoded as a 256-pixel PNG,
or removed; the initials otherwise."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import client_for
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("avatar")


def picture(fmt: str = "JPEG", size: tuple[int, int] = (640, 480)) -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    if fmt == "JPEG":
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return SimpleUploadedFile(f"me.{fmt.lower()}", out.getvalue(), content_type="image/jpeg")


def test_anonymous_is_sent_to_login(cast):
    response = client_for(None).post(URL, {"avatar": picture()})
    assert response["Location"].startswith(reverse("account_login"))


def test_it_is_stored_as_a_square_png_without_metadata(cast):
    user = cast.member.user
    response = client_for(cast.member).post(URL, {"avatar": picture()})
    assert response["Location"] == reverse("profile")
    user.refresh_from_db()
    with user.avatar.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "PNG"
        assert stored.size == (256, 256)
        assert not stored.getexif()
    assert AuditEvent.objects.filter(kind="account.avatar_changed", actor=user).exists()


def test_the_pill_shows_it_instead_of_the_initials(cast):
    client = client_for(cast.member)
    assert ">MM</span>" in client.get(reverse("dashboard")).content.decode()
    client.post(URL, {"avatar": picture("PNG")})
    cast.member.user.refresh_from_db()
    body = client.get(reverse("dashboard")).content.decode()
    assert cast.member.user.avatar.url in body
    assert ">MM</span>" not in body


def test_a_file_that_is_not_an_image_is_refused(cast):
    fake = SimpleUploadedFile("me.png", b"<svg onload=alert(1)>", content_type="image/png")
    client = client_for(cast.member)
    response = client.post(URL, {"avatar": fake}, follow=True)
    assert "must be a PNG, JPEG or WebP image" in response.content.decode()
    cast.member.user.refresh_from_db()
    assert not cast.member.user.avatar


def test_it_can_be_removed(cast):
    client = client_for(cast.member)
    client.post(URL, {"avatar": picture()})
    client.post(URL, {"remove": "1"})
    cast.member.user.refresh_from_db()
    assert not cast.member.user.avatar
    assert AuditEvent.objects.filter(kind="account.avatar_removed").exists()


def test_posting_nothing_is_not_an_error_page(cast):
    response = client_for(cast.member).post(URL, {}, follow=True)
    assert response.status_code == 200
    assert "Choose a picture to upload." in response.content.decode()
