"""GET /healthz: 200 with a small JSON body when the database answers, 503 when not."""

from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.urls import reverse


def test_healthz_answers_200_with_json_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_never_cached(client, db):
    assert "no-cache" in client.get(reverse("healthz"))["Cache-Control"]


def test_healthz_answers_503_when_the_database_fails(client, db):
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch("core.views.connection", broken):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_healthz_refuses_post(client, db):
    assert client.post(reverse("healthz")).status_code == 405
