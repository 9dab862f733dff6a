"""The e-mail outbox (X2): every e-mail Gestor sends goes through here.

``email_enqueue`` renders a template in the recipient's language and stores the
result in the same transaction as the change that caused it; delivery happens
after commit, in a Celery task (in-process in the embedded default). Whatever
is left (a failed SMTP server, a worker that was down) is picked up by the
periodic sweep or by ``manage.py send_outbox``.

Attachments are stored with the e-mail: either the file itself (``Attachment``)
or, for a file that is costly to make (an invoice's PDF), an ``AttachmentLater``:
the name of a renderer registered with ``attachment_renderer_register`` and a
reference. The delivery makes the file then, outside the transaction that queued
the e-mail, stores it with the e-mail (a retry sends the same file) and sends it.
A renderer that fails or is unknown counts as a failed attempt: the e-mail is
retried, never sent without its file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.models import OutboxAttachment, OutboxEmail

logger = logging.getLogger(__name__)


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render ``<template>_subject.txt``, ``_message.txt`` and optional ``_message.html``."""
    context = {"site_url": settings.SITE_URL, "product_name": settings.PRODUCT_NAME, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).splitlines()).strip()
    text = render_to_string(f"{template}_message.txt", context).strip()
    try:
        html = render_to_string(f"{template}_message.html", context).strip()
    except TemplateDoesNotExist:
        html = ""
    return subject, text, html


# An attachment: (file name, content, MIME type).
Attachment = tuple[str, bytes, str]


@dataclass(frozen=True)
class AttachmentLater:
    """A file made at delivery by the renderer registered as ``renderer``, from
    ``reference`` (a string the renderer understands, e.g. an invoice id)."""

    filename: str
    mimetype: str
    renderer: str
    reference: str


_RENDERERS: dict[str, Callable[[str], bytes]] = {}


def attachment_renderer_register(name: str, render: Callable[[str], bytes]) -> None:
    """Register ``render(reference) -> bytes`` for ``AttachmentLater(renderer=name)``
    (an app does it in its ``AppConfig.ready``)."""
    _RENDERERS[name] = render


def _attachment_content(attachment: OutboxAttachment) -> bytes:
    content = bytes(attachment.content)
    if content or not attachment.renderer:
        return content
    render = _RENDERERS.get(attachment.renderer)
    if render is None:
        raise LookupError(f"No attachment renderer {attachment.renderer!r}")
    content = render(attachment.reference)
    attachment.content = content
    attachment.save(update_fields=["content"])
    return content


def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    attachments: Sequence[Attachment | AttachmentLater] = (),
) -> OutboxEmail:
    """Render ``template`` in ``language`` and queue it for ``to``, with ``attachments``
    stored next to it and delivered with it."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, text, html = render_email(template, context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    if prefix and not subject.startswith(prefix):
        subject = prefix + subject
    return _store(
        to=to,
        subject=subject,
        text=text,
        html=html,
        template=template,
        language=language,
        attachments=attachments,
    )


def email_enqueue_message(
    message: EmailMessage, *, template: str, language: str
) -> list[OutboxEmail]:
    """Queue an already rendered message (allauth renders its own), one row per recipient."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    text = str(message.body)
    if message.content_subtype == "html":
        html, text = text, ""
    return [
        _store(
            to=to,
            subject=str(message.subject),
            text=text,
            html=html,
            template=template,
            language=language,
        )
        for to in message.to
    ]


def _attachment_row(email: OutboxEmail, item: Attachment | AttachmentLater) -> OutboxAttachment:
    if isinstance(item, AttachmentLater):
        return OutboxAttachment(
            email=email,
            filename=item.filename[:200],
            mimetype=item.mimetype[:100],
            renderer=item.renderer[:100],
            reference=item.reference[:100],
        )
    name, content, mimetype = item
    return OutboxAttachment(
        email=email, filename=name[:200], mimetype=mimetype[:100], content=content
    )


def _store(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    template: str,
    language: str,
    attachments: Sequence[Attachment | AttachmentLater] = (),
) -> OutboxEmail:
    email = OutboxEmail.objects.create(
        to=to,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        from_email=settings.DEFAULT_FROM_EMAIL,
        template=template,
        language=language,
    )
    OutboxAttachment.objects.bulk_create(_attachment_row(email, item) for item in attachments)
    transaction.on_commit(lambda: _schedule(email.pk))
    return email


def _schedule(email_id: int) -> None:
    from core.tasks import outbox_deliver_task

    try:
        outbox_deliver_task.delay(email_id)
    except Exception:  # the broker is down: the sweep will deliver it later
        logger.warning("Could not enqueue delivery of outbox e-mail %s", email_id, exc_info=True)


def retry_delay(attempts: int) -> timedelta:
    """Back off exponentially: 1, 2, 4 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def outbox_deliver(email_id: int) -> OutboxEmail | None:
    """Send one pending e-mail. Returns it, or None if another worker has it or it is done.

    The row is locked while sending so that two workers never send it twice.
    """
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return None
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=email.from_email,
            to=[email.to],
            headers={"X-Gestor-Outbox-Id": str(email.pk)},
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            for attachment in email.attachments.all():
                content = _attachment_content(attachment)
                message.attach(attachment.filename, content, attachment.mimetype)
            message.send()
        except Exception as exc:  # any transport error: record it and try again later
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                email.status = OutboxEmail.Status.FAILED
                email.next_attempt_at = None
            else:
                email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
            logger.warning("Delivery of outbox e-mail %s failed: %s", email.pk, email.last_error)
        else:
            email.status = OutboxEmail.Status.SENT
            email.sent_at = timezone.now()
            email.next_attempt_at = None
            email.last_error = ""
        email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at"])
        return email


def outbox_due_ids(*, include_not_yet_due: bool = False) -> Iterator[int]:
    """Every pending e-mail (due ones only unless ``include_not_yet_due``), oldest first,
    read in batches of ``OUTBOX_BATCH_SIZE`` ids so that memory stays flat however many
    there are. An e-mail that fails again is not met twice in one pass."""
    qs = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
    if not include_not_yet_due:
        now = timezone.now()
        qs = qs.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    size, last = max(settings.OUTBOX_BATCH_SIZE, 1), 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("id").values_list("id", flat=True)[:size])
        yield from batch
        if len(batch) < size:
            return
        last = batch[-1]
