from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxEmail(models.Model):
    """An e-mail waiting for, or done with, delivery (X2).

    Written in the same transaction as the change that causes it, so a rolled
    back change sends nothing and a committed one is never lost.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", pgettext_lazy("e-mail status", "Failed")

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    from_email = models.CharField(max_length=254)
    template = models.CharField(
        max_length=200, help_text="The template prefix it was rendered from."
    )
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class OutboxAttachment(models.Model):
    """A file delivered with an outbox e-mail (X2): stored with it, in the same transaction."""

    email = models.ForeignKey(OutboxEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField(default=b"")
    # A file made at delivery (``core.outbox.AttachmentLater``): the registered renderer
    # and its reference (e.g. an invoice id); ``content`` is filled when it is made.
    renderer = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class AuditEvent(models.Model):
    """An append-only record of who changed what, when and from where (O8)."""

    organization = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Issue 9: the audit log pages by (created_at, id) by cursor, all of it or
            # one actor's or one kind's events.
            models.Index(fields=["organization", "-created_at", "-id"], name="audit_org_time_idx"),
            models.Index(
                fields=["organization", "actor", "-created_at", "-id"], name="audit_org_actor_idx"
            ),
            models.Index(
                fields=["organization", "kind", "-created_at", "-id"], name="audit_org_kind_idx"
            ),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Audit events are facts: written once, never changed.
        if self.pk is not None:
            raise ValueError("Audit events cannot be changed.")
        super().save(*args, **kwargs)


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an ``Idempotency-Key`` (core/idempotency.py).

    Unique per user and key: a replay returns ``status_code`` and ``body``; the
    same key with another request (``fingerprint``) is refused.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_records"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Created by the api app, whose table it keeps (moved here without copying data).
        db_table = "api_idempotencyrecord"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
