"""The login lock-out with the production cache, Redis (A7, ASVS 6.3.1): the
counters are shared by every worker process, so the limit holds across them."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from testsupport.cast import TEST_PASSWORD
from testsupport.services import require_service, tcp_open

REDIS_URL = os.environ.get("GESTOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def redis_cache(settings):  # type: ignore[no-untyped-def]
    require_service("Redis", tcp_open(REDIS_URL, 6379), f"nothing answers at {REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A prefix of its own per test: runs on the same machine at the same time
            # (helpers, CI) neither share counters nor flush each other's (no clear()).
            "KEY_PREFIX": f"gestor-test-lockout-{uuid.uuid4().hex}",
        }
    }
    yield


def login(client: Client, password: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("account_login"), {"login": "max@example.test", "password": password}
    )


def test_the_lock_out_holds_across_clients_and_says_how_long(cast, redis_cache):
    for _ in range(5):
        login(Client(), "wrong")
    response = login(Client(), TEST_PASSWORD)
    assert "Too many failed login attempts. Try again in 5 minutes." in response.content.decode()
    assert type(caches["default"]).__name__ == "RedisCache"


def test_success_resets_the_count_in_redis(cast, redis_cache):
    for _ in range(4):
        login(Client(), "wrong")
    assert login(Client(), TEST_PASSWORD).status_code == 302
    for _ in range(4):
        login(Client(), "wrong")
    assert login(Client(), TEST_PASSWORD).status_code == 302
