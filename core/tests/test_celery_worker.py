"""A real Celery worker, against the machine's Redis (db 1), delivers an outbox
e-mail queued by a committed transaction (X2)."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from core.models import OutboxEmail
from core.testing import require_service, tcp_open
from gestor.celery import app

REDIS_URL = "redis://127.0.0.1:6379/1"

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _forget_broker_connections() -> None:
    # The next message opens a connection to the broker now configured.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_on_redis():  # type: ignore[no-untyped-def]
    require_service("Redis", tcp_open(REDIS_URL, 6379), f"nothing answers at {REDIS_URL}")
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    _forget_broker_connections()
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()  # stale messages of earlier runs
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(saved)
        _forget_broker_connections()


def test_a_real_worker_delivers_a_committed_outbox_email(celery_on_redis):
    from core.outbox import email_enqueue_message

    message = mail.EmailMessage("Worker test", "Delivered by Celery.", to=["w@example.test"])
    with transaction.atomic():
        (queued,) = email_enqueue_message(message, template="test/worker", language="en")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        queued.refresh_from_db()
        if queued.status != OutboxEmail.Status.PENDING:
            break
        time.sleep(0.1)
    assert queued.status == OutboxEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Worker test"]
