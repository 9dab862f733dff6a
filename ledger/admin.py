from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ledger.models import Account, Entry, Transaction


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
    list_display = ("id", "kind", "currency", "organization", "provider", "balance")
    list_filter = ("kind", "currency")
    search_fields = ("organization__name",)


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "kind", "description", "organization")
    list_filter = ("kind",)
    search_fields = ("description", "idempotency_key")
    inlines = [EntryInline]
