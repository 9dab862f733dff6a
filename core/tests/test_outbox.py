"""The e-mail outbox (X2): stored in the same transaction as the change, delivered
after commit, retried with back-off, given up after OUTBOX_MAX_ATTEMPTS, and
picked up by ``manage.py send_outbox`` and the periodic sweep."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.models import OutboxEmail
from core.outbox import email_enqueue, outbox_deliver, outbox_due_ids, retry_delay
from core.tasks import outbox_deliver_task, outbox_sweep

BROKEN = "core.tests.test_outbox.BrokenBackend"


class BrokenBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("smtp.example.test:587 refused the connection")


@pytest.fixture
def email_templates(settings, tmp_path):
    """A small e-mail template in a temporary template folder."""
    folder = tmp_path / "templates" / "demo" / "email"
    folder.mkdir(parents=True)
    (folder / "greeting_subject.txt").write_text(
        "{% load i18n %}{% translate 'Password' %} {{ name }}\n"
    )
    (folder / "greeting_message.txt").write_text(
        "{% load i18n %}{% translate 'Yes' %}, {{ name }}. {{ site_url }}/x\n"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]},
    ]
    return "demo/email/greeting"


def _pending(**fields) -> OutboxEmail:
    values = {
        "to": "someone@example.test",
        "subject": "Hello",
        "body_text": "Body",
        "from_email": "Gestor <no-reply@gestor.localhost>",
        "template": "demo/email/greeting",
        "language": "en",
    }
    return OutboxEmail.objects.create(**(values | fields))


@pytest.mark.django_db(transaction=True)
def test_an_email_written_in_a_rolled_back_transaction_is_never_sent(email_templates):
    with pytest.raises(RuntimeError), transaction.atomic():
        email_enqueue(to="a@example.test", template=email_templates, context={"name": "Ana"})
        raise RuntimeError("the change fails after the e-mail was queued")
    assert not OutboxEmail.objects.exists()
    call_command("send_outbox", "--all", stdout=StringIO())
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_email_is_delivered_after_commit_and_not_before(email_templates):
    with transaction.atomic():
        queued = email_enqueue(
            to="a@example.test", template=email_templates, context={"name": "Ana"}
        )
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.test"]
    assert mail.outbox[0].extra_headers["X-Gestor-Outbox-Id"] == str(queued.pk)
    queued.refresh_from_db()
    assert queued.status == OutboxEmail.Status.SENT
    assert queued.sent_at is not None
    assert queued.attempts == 1


@pytest.mark.django_db
def test_the_email_is_rendered_in_the_recipients_language(email_templates, settings):
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Gestor] "
    queued = email_enqueue(
        to="a@example.test", template=email_templates, context={"name": "Ana"}, language="es"
    )
    assert queued.language == "es"
    assert queued.subject == "[Gestor] Contraseña Ana"
    assert queued.body_text.startswith("Sí, Ana.")
    assert settings.SITE_URL in queued.body_text


def test_retries_back_off_exponentially_up_to_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    assert retry_delay(30) == timedelta(hours=6)


@pytest.mark.django_db
def test_a_transport_failure_is_retried_with_back_off_then_marked_failed(settings):
    settings.EMAIL_BACKEND = BROKEN
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = _pending()
    with time_machine.travel("2026-03-02 10:00 +0000", tick=False):
        outbox_deliver(email.pk)
        email.refresh_from_db()
        assert email.status == OutboxEmail.Status.PENDING
        assert email.attempts == 1
        assert email.next_attempt_at == timezone.now() + timedelta(minutes=1)
        assert "ConnectionRefusedError" in email.last_error
        assert email.pk not in outbox_due_ids()  # not due before its retry time

        outbox_deliver(email.pk)
        email.refresh_from_db()
        assert email.attempts == 2
        assert email.next_attempt_at == timezone.now() + timedelta(minutes=2)

        outbox_deliver(email.pk)
        email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 3
    assert email.next_attempt_at is None
    assert email.sent_at is None
    assert outbox_deliver(email.pk) is None  # a failed e-mail is left alone


@pytest.mark.django_db
def test_the_worker_task_asks_celery_to_retry_after_the_back_off(settings):
    settings.EMAIL_BACKEND = BROKEN
    email = _pending()
    outbox_deliver_task.push_request(is_eager=False, retries=0)
    try:
        with (
            mock.patch.object(outbox_deliver_task, "retry", side_effect=Retry()) as retry,
            pytest.raises(Retry),
        ):
            outbox_deliver_task.run(email.pk)
    finally:
        outbox_deliver_task.pop_request()
    retry.assert_called_once_with(countdown=60.0)


@pytest.mark.django_db
def test_the_in_process_task_leaves_retries_to_the_sweep(settings):
    settings.EMAIL_BACKEND = BROKEN
    email = _pending()
    result = outbox_deliver_task.apply(args=[email.pk])
    assert result.get() == OutboxEmail.Status.PENDING
    email.refresh_from_db()
    assert email.attempts == 1


@pytest.mark.django_db
def test_an_email_is_sent_only_once():
    email = _pending()
    assert outbox_deliver(email.pk) is not None
    assert outbox_deliver(email.pk) is None
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_send_outbox_delivers_what_was_left_behind():
    due = _pending(to="due@example.test")
    later = _pending(to="later@example.test", next_attempt_at=timezone.now() + timedelta(hours=1))
    out = StringIO()
    call_command("send_outbox", stdout=out)
    assert "1 sent, 0 not delivered" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["due@example.test"]]
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == OutboxEmail.Status.SENT
    assert later.status == OutboxEmail.Status.PENDING

    call_command("send_outbox", "--all", stdout=StringIO())
    later.refresh_from_db()
    assert later.status == OutboxEmail.Status.SENT


@pytest.mark.django_db
def test_send_outbox_all_delivers_more_than_a_thousand_in_one_run(settings):
    settings.OUTBOX_BATCH_SIZE = 100
    later = timezone.now() + timedelta(hours=1)
    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            to=f"u{i}@example.test",
            subject="Hello",
            body_text="Body",
            from_email="Gestor <no-reply@gestor.localhost>",
            template="demo/email/greeting",
            language="en",
            next_attempt_at=later if i % 2 else None,
        )
        for i in range(1_001)
    )
    out = StringIO()
    call_command("send_outbox", "--all", stdout=out)
    assert "1001 sent, 0 not delivered" in out.getvalue()
    assert not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists()


@pytest.mark.django_db
def test_send_outbox_reads_in_batches_and_tries_each_email_once_per_run(settings):
    settings.OUTBOX_BATCH_SIZE = 2
    settings.EMAIL_BACKEND = BROKEN
    emails = [_pending(to=f"u{i}@example.test") for i in range(5)]
    out = StringIO()
    call_command("send_outbox", "--all", stdout=out)
    assert "0 sent, 5 not delivered (will be retried)." in out.getvalue()
    assert [OutboxEmail.objects.get(pk=e.pk).attempts for e in emails] == [1] * 5


@pytest.mark.django_db
def test_send_outbox_reports_what_could_not_be_delivered(settings):
    settings.EMAIL_BACKEND = BROKEN
    _pending()
    out = StringIO()
    call_command("send_outbox", stdout=out)
    assert "0 sent, 1 not delivered (will be retried)." in out.getvalue()


@pytest.mark.django_db
def test_the_sweep_delivers_due_emails_and_skips_those_not_yet_due():
    _pending(to="due@example.test")
    _pending(to="retry-passed@example.test", next_attempt_at=timezone.now() - timedelta(minutes=1))
    _pending(to="later@example.test", next_attempt_at=timezone.now() + timedelta(hours=1))
    _pending(to="done@example.test", status=OutboxEmail.Status.SENT)
    assert outbox_sweep() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "due@example.test",
        "retry-passed@example.test",
    ]


def test_the_sweep_runs_every_minute(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert schedule["task"] == "core.tasks.outbox_sweep"
    assert schedule["schedule"] == timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_leaves_the_email_for_the_sweep(email_templates, caplog):
    with mock.patch.object(outbox_deliver_task, "delay", side_effect=OSError("no broker")):
        queued = email_enqueue(
            to="a@example.test", template=email_templates, context={"name": "Ana"}
        )
    queued.refresh_from_db()
    assert queued.status == OutboxEmail.Status.PENDING
    assert "Could not enqueue delivery" in caplog.text
    assert outbox_sweep() == 1


@pytest.mark.django_db(transaction=True)
def test_attachments_are_stored_with_the_email_and_delivered_with_it(email_templates):
    with transaction.atomic():
        queued = email_enqueue(
            to="a@example.test",
            template=email_templates,
            context={"name": "Ana"},
            attachments=[("invoices.csv", b"a;b\r\n1;2\r\n", "text/csv")],
        )
        assert mail.outbox == []
    assert [(a.filename, bytes(a.content)) for a in queued.attachments.all()] == [
        ("invoices.csv", b"a;b\r\n1;2\r\n")
    ]
    assert len(mail.outbox) == 1
    ((name, content, mimetype),) = mail.outbox[0].attachments
    assert (name, mimetype) == ("invoices.csv", "text/csv")
    assert (content if isinstance(content, bytes) else content.encode()) == b"a;b\r\n1;2\r\n"


@pytest.mark.django_db(transaction=True)
def test_an_attachment_is_never_stored_for_a_rolled_back_email(email_templates):
    with pytest.raises(RuntimeError), transaction.atomic():
        email_enqueue(
            to="a@example.test",
            template=email_templates,
            context={"name": "Ana"},
            attachments=[("x.csv", b"1", "text/csv")],
        )
        raise RuntimeError("rolled back")
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_attachment_made_at_delivery_is_rendered_once_and_kept(email_templates):
    from core.outbox import AttachmentLater, attachment_renderer_register

    calls: list[str] = []

    def render(reference: str) -> bytes:
        calls.append(reference)
        return f"%PDF-{reference}".encode()

    attachment_renderer_register("test.doc", render)
    with transaction.atomic():
        queued = email_enqueue(
            to="a@example.test",
            template=email_templates,
            context={"name": "Ana"},
            attachments=[AttachmentLater("doc-7.pdf", "application/pdf", "test.doc", "7")],
        )
        assert calls == []  # nothing is rendered in the transaction that queues it
    assert calls == ["7"]
    ((name, content, mimetype),) = mail.outbox[0].attachments
    assert (name, content, mimetype) == ("doc-7.pdf", b"%PDF-7", "application/pdf")
    assert bytes(queued.attachments.get().content) == b"%PDF-7"  # kept: what was sent


@pytest.mark.django_db(transaction=True)
def test_an_unknown_renderer_is_a_failed_attempt_never_a_mail_without_its_file(email_templates):
    from core.outbox import AttachmentLater

    with transaction.atomic():
        queued = email_enqueue(
            to="a@example.test",
            template=email_templates,
            context={"name": "Ana"},
            attachments=[AttachmentLater("x.pdf", "application/pdf", "test.nobody", "1")],
        )
    assert mail.outbox == []
    queued.refresh_from_db()
    assert queued.status == OutboxEmail.Status.PENDING
    assert queued.attempts == 1
    assert "test.nobody" in queued.last_error
