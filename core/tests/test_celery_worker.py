"""A real Celery worker, against the machine's Redis (db 1), delivers an outbox
e-mail queued by a committed transaction (X2)."""

from __future__ import annotations

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from core.models import OutboxEmail
from core.tasks import outbox_deliver_task
from gestor.celery import app
from testsupport.services import require_service, tcp_open

REDIS_URL = "redis://127.0.0.1:6379/1"

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _forget_broker_connections() -> None:
    # The next message opens a connection to the broker now configured.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_on_redis():
    """A worker thread on Redis db 1 consuming a queue of its own, so that test
    runs on the same machine at the same time never take each other's messages."""
    require_service("Redis", tcp_open(REDIS_URL, 6379), f"nothing answers at {REDIS_URL}")
    queue = f"gestor-test-{uuid.uuid4().hex[:12]}"
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    task = outbox_deliver_task._get_current_object()
    had_queue = "queue" in vars(task)
    saved_queue = vars(task).get("queue")
    saved_consume_from = app.amqp.queues._consume_from
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    _forget_broker_connections()
    task.queue = queue
    task._exec_options = None  # recomputed with the queue
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
        ):
            yield app
    finally:
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            channel.queue_delete(queue)
            channel.client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        if had_queue:
            task.queue = saved_queue
        else:
            del task.queue
        task._exec_options = None
        app.amqp.queues._consume_from = saved_consume_from
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
