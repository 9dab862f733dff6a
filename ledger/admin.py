from __future__ import annotations

from decimal import Decimal
from typing import TypedDict, TypeVar

from django.contrib import admin
from django.db.models import Case, F, Model, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import WithAnnotations

from core.money import quantize
from ledger.models import Account, AccountKind, Entry, Transaction

_M = TypeVar("_M", bound=Model)


class BalanceShown(TypedDict):
    balance_shown: Decimal


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """Financial facts are read in the back office, never edited there."""

    def has_add_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


class EntryInline(admin.TabularInline[Entry, Transaction]):
    model = Entry
    fields = ("account", "amount", "currency", "balance_after")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Transaction | None = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin[Account]):
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
    def balance_shown(self, account: WithAnnotations[Account, BalanceShown]) -> Decimal:
        # In the currency's places on every database (SQLite's SUM drops them).
        return quantize(account.balance_shown, account.currency)


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin[Transaction]):
    list_display = ("id", "created_at", "kind", "description", "organization")
    list_filter = ("kind",)
    search_fields = ("description", "idempotency_key")
    inlines = [EntryInline]
