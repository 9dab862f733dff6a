from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import request_user
from core.errors import BusinessError
from wallet.models import Withdrawal
from wallet.services import withdrawal_complete, withdrawal_reject


@admin.register(Withdrawal)
class WithdrawalAdmin(admin.ModelAdmin[Withdrawal]):
    """P4, X4: support agents pay withdrawals out, or reject them (the money returns)."""

    list_display = (
        "id",
        "created_at",
        "organization",
        "amount",
        "currency",
        "destination",
        "status",
    )
    list_filter = ("status", "destination", "currency")
    search_fields = ("organization__name", "iban", "paypal_email", "holder_name")
    readonly_fields = [f.name for f in Withdrawal._meta.fields]
    actions = ["complete", "reject"]

    def has_add_permission(self, request: HttpRequest, obj: Withdrawal | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Withdrawal | None = None) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[Withdrawal], decide: Any) -> None:
        done = 0
        for withdrawal in queryset.order_by("pk"):
            try:
                decide(withdrawal=withdrawal, acting=request_user(request))
                done += 1
            except BusinessError as error:
                self.message_user(request, f"{withdrawal}: {error}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d withdrawal handled.", "%(count)d withdrawals handled.", done)
            % {"count": done},
        )

    @admin.action(description=_("Mark as paid out"), permissions=["change"])
    def complete(self, request: HttpRequest, queryset: QuerySet[Withdrawal]) -> None:
        self._decide(request, queryset, withdrawal_complete)

    @admin.action(
        description=_("Reject (return the money to the prepaid account)"), permissions=["change"]
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[Withdrawal]) -> None:
        self._decide(request, queryset, withdrawal_reject)
