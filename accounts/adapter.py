from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from accounts.models import User, normalize_email
from accounts.services import signup_complete
from core.outbox import email_enqueue_message

INVITATION_SESSION_KEY = "gestor_invitation_key"


class AccountAdapter(DefaultAccountAdapter):
    """Bridges allauth to Gestor: its e-mails go through the outbox, and a
    completed sign-up runs the ``signup_complete`` service (A1)."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        recipient = User.objects.filter(email__iexact=normalize_email(email)).first()
        language = recipient.language if recipient else translation.get_language()
        with translation.override(language):
            request = context.get("request") or self.request
            ctx = {"request": request, "email": email, "site_name": "Gestor", **context}
            message = self.render_mail(template_prefix, email, ctx)
        with transaction.atomic():
            email_enqueue_message(message, template=template_prefix, language=language or "en")

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:  # type: ignore[override]
        user = super().save_user(request, user, form, commit=False)
        user.email = normalize_email(user.email)
        user.name = form.cleaned_data.get("name", "").strip()[:150]
        user.language = translation.get_language() or user.language
        if commit:
            with transaction.atomic():
                user.save()
                signup_complete(
                    user=user, via_invitation=bool(request.session.get(INVITATION_SESSION_KEY))
                )
        return user
