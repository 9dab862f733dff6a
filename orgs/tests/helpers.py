"""Helpers for the orgs tests: images for logo uploads, re-authentication."""

from __future__ import annotations

import io

from django.test import Client
from PIL import Image

from core.models import OutboxEmail
from testsupport.auth import client_reauthenticate


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 32), mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 255)).save(
        out, format=fmt
    )
    return out.getvalue()


def reauthenticated(client: Client, user) -> Client:  # type: ignore[no-untyped-def]
    """Mark the session as re-authenticated by password just now (as allauth does)."""
    return client_reauthenticate(client, user)


def outbox_to(email: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(to=email).order_by("id"))
