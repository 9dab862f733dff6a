"""Back office (X4, S2, S3): promo codes, free grants and orders.

Grants are given through the service (the legal representatives are told by
e-mail and the audit log records it); an agent revokes one that no order has
taken. Orders are read-only: they change only through the checkout flow.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import request_user
from catalog.models import BillingPeriod
from core.errors import BusinessError
from core.text import CleanTextFormMixin
from shop.models import Grant, GrantStatus, Order, OrderLine, PromoCode, PromoCodeAmount
from shop.services import grant_give, grant_revoke


class PromoCodeAmountInline(admin.TabularInline[PromoCodeAmount, PromoCode]):
    model = PromoCodeAmount
    extra = 0
    verbose_name = _("fixed amount in a currency")
    verbose_name_plural = _("fixed amounts (one per currency, for a fixed-amount code)")


class PromoCodeForm(CleanTextFormMixin, forms.ModelForm[PromoCode]):
    period_months = forms.TypedMultipleChoiceField(
        label=_("billing periods"),
        choices=BillingPeriod.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every period."),
    )

    class Meta:
        model = PromoCode
        fields = [
            "code",
            "kind",
            "percent",
            "offers",
            "plans",
            "period_months",
            "valid_from",
            "valid_until",
            "max_uses",
            "max_uses_per_organization",
            "first_order_only",
            "cycles",
            "is_active",
            "note",
        ]

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip().upper()
        if not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
            raise forms.ValidationError(_("Use letters, digits, hyphens and underscores only."))
        duplicate = PromoCode.objects.filter(code__iexact=code)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(_("A promo code with this code exists already."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "percent" and not data.get("percent"):
            self.add_error("percent", _("A percentage code needs its percentage."))
        if data.get("kind") == "fixed":
            data["percent"] = None
        return data


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin[PromoCode]):
    form = PromoCodeForm
    list_display = [
        "code",
        "kind",
        "percent",
        "valid_from",
        "valid_until",
        "uses",
        "max_uses",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "first_order_only"]
    search_fields = ["code", "note"]
    filter_horizontal = ["offers", "plans"]
    readonly_fields = ["uses", "created_by", "created_at"]
    inlines = [PromoCodeAmountInline]

    def save_model(self, request: HttpRequest, obj: PromoCode, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request_user(request)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: PromoCode | None = None) -> bool:
        # A used code stays for the orders that name it; deactivate it instead.
        return obj is None or not obj.code_uses.exists()


class GrantForm(CleanTextFormMixin, forms.ModelForm[Grant]):
    class Meta:
        model = Grant
        fields = [
            "organization",
            "plan",
            "period_months",
            "discount_percent",
            "terms",
            "valid_until",
            "note",
        ]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin[Grant]):
    form = GrantForm
    list_display = ["organization", "plan", "discount_percent", "terms", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["organization__name", "plan__slug", "note"]
    autocomplete_fields = ["organization"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Grant | None = None) -> list[str]:
        if obj is None:
            return []
        # A given grant is not edited (its organization was told what it holds): revoke it.
        return [*GrantForm.Meta.fields, "status", "order", "created_by", "created_at", "used_at"]

    def save_model(self, request: HttpRequest, obj: Grant, form: Any, change: bool) -> None:
        if change:
            return
        given = grant_give(
            organization=obj.organization,
            plan=obj.plan,
            acting=request_user(request),
            discount_percent=obj.discount_percent,
            terms=obj.terms,
            period_months=obj.period_months,
            valid_until=obj.valid_until,
            note=obj.note,
        )
        obj.pk = given.pk
        obj.status = given.status

    def has_delete_permission(self, request: HttpRequest, obj: Grant | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke (only grants not yet used)"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Grant]) -> None:
        done = 0
        for grant in queryset.filter(status=GrantStatus.AVAILABLE).order_by("pk"):
            try:
                grant_revoke(grant=grant, acting=request_user(request))
                done += 1
            except BusinessError as error:
                self.message_user(request, f"{grant}: {error}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d grant revoked.", "%(count)d grants revoked.", done)
            % {"count": done},
        )


_ORDER_LINE_FIELDS = (
    "position",
    "description",
    "period_months",
    "quantity",
    "unit_price",
    "discount",
    "discount_reason",
    "net_amount",
    "vat_amount",
    "total_amount",
)


class OrderLineInline(admin.TabularInline[OrderLine, Order]):
    model = OrderLine
    extra = 0
    fields = _ORDER_LINE_FIELDS
    readonly_fields = _ORDER_LINE_FIELDS
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = [
        "reference",
        "organization",
        "status",
        "total",
        "currency",
        "payment_method",
        "created_at",
    ]
    list_filter = ["status", "payment_method", "currency"]
    search_fields = ["reference", "organization__name"]
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [OrderLineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False
