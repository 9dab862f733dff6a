from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ledger.models import Account, AccountKind, Entry, Transaction


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Financial facts are read in the back office, never edited there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EntryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Entry
    fields = ("account", "amount", "currency", "balance_after")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "currency", "organization", "provider", "balance_shown")
    list_filter = ("kind", "currency")
    search_fields = ("organization__name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        # A system account caches no balance: sum its entries (only for those rows).
        entries = (
            Entry.objects.filter(account=OuterRef("pk"))
            .order_by()
            .values("account")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                balance_shown=Case(
                    When(kind=AccountKind.PREPAID, then=F("balance")),
                    default=Coalesce(Subquery(entries), Value(Decimal(0))),
                    output_field=Account._meta.get_field("balance"),
                )
            )
        )

    @admin.display(description=_("balance"))
    def balance_shown(self, account: Account) -> Decimal:
        return account.balance_shown  # type: ignore[attr-defined,no-any-return]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "kind", "description", "organization")
    list_filter = ("kind",)
    search_fields = ("description", "idempotency_key")
    inlines = [EntryInline]
