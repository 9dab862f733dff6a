"""X5: a POST with an Idempotency-Key acts once; its replay returns the first answer."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.tokens import api_token_create
from core.models import AuditEvent, IdempotencyRecord
from testsupport.cast import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("api.tests.urls_idempotency")]


@pytest.fixture
def post():
    user = UserFactory()
    _, raw = api_token_create(user=user, name="test")
    client = Client()

    def send(body, key="key-1", raw_body=None):
        headers = {"Authorization": f"Bearer {raw}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return client.post(
            "/api/things",
            data=raw_body if raw_body is not None else json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    return send


def test_the_first_request_acts_and_is_stored(post):
    response = post({"note": "a"})
    assert response.status_code == 201
    assert AuditEvent.objects.filter(kind="test.thing").count() == 1
    assert IdempotencyRecord.objects.get().status_code == 201


def test_a_replay_returns_the_first_response_and_acts_once(post):
    first = post({"note": "a"})
    second = post({"note": "a"})
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(kind="test.thing").count() == 1


def test_the_same_key_with_another_body_is_refused(post):
    post({"note": "a"})
    response = post({"note": "b"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert AuditEvent.objects.filter(kind="test.thing").count() == 1


def test_a_request_without_a_key_is_refused(post):
    response = post({"note": "a"}, key=None)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert not AuditEvent.objects.filter(kind="test.thing").exists()


def test_another_key_acts_again(post):
    post({"note": "a"}, key="k1")
    post({"note": "a"}, key="k2")
    assert AuditEvent.objects.filter(kind="test.thing").count() == 2


def test_a_failed_request_stores_nothing_and_can_be_retried(post):
    assert post({"note": "fail"}).status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert post({"note": "ok"}).status_code == 201


def test_keys_belong_to_their_user(post):
    post({"note": "a"})
    other_user = UserFactory()
    _, raw = api_token_create(user=other_user, name="t")
    response = Client().post(
        "/api/things",
        data=json.dumps({"note": "a"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "key-1"},
    )
    assert response.status_code == 201
    assert AuditEvent.objects.filter(kind="test.thing").count() == 2
