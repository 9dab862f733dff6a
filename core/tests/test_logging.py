"""A refused request is not an error: one log line, no traceback (issue 8)."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from conftest import client_for


@pytest.fixture(autouse=True)
def _no_debug(settings):
    settings.DEBUG = False


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_permission_denied_page_logs_one_line_without_a_traceback(cast, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(cast.member).get(reverse("orgs:members"))
    assert response.status_code == 403
    records = _request_records(caplog)
    assert len(records) == 1
    assert records[0].getMessage() == f"Forbidden (Permission denied): {reverse('orgs:members')}"
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_refused_api_request_logs_one_line_without_a_traceback(cast, caplog):
    from accounts.tokens import api_token_create

    _token, raw = api_token_create(user=cast.member.user, name="ci")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(None).get(
            f"/api/v1/orgs/{cast.org.pk}/invoices", headers={"authorization": f"Bearer {raw}"}
        )
    assert response.status_code == 403
    assert "Traceback" not in caplog.text
    assert all(r.exc_info is None for r in _request_records(caplog))


def test_a_server_error_keeps_its_traceback():
    from core.log_filters import RefusalWithoutTraceback

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), sys.exc_info())
    record.status_code = 500
    RefusalWithoutTraceback().filter(record)
    assert record.exc_info is not None
