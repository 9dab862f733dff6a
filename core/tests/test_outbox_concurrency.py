"""On PostgreSQL two workers delivering the same outbox e-mail at once send it
exactly once: the row is locked while sending (X2)."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from core.models import OutboxEmail
from core.outbox import outbox_deliver
from testsupport.services import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_delivering_the_same_email_send_it_once():
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "DATABASE_URL is not PostgreSQL"
    )
    email = OutboxEmail.objects.create(
        to="a@example.test",
        subject="Once",
        body_text="Only once.",
        from_email="Gestor <no-reply@gestor.localhost>",
        template="test/once",
        language="en",
    )
    start = threading.Barrier(2)
    results: list[object] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(outbox_deliver(email.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([r for r in results if r is not None]) == 1
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 1
