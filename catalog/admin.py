"""Back office (X4, S1): support agents manage offers, plans, prices and VAT rules."""

from django.contrib import admin

from catalog.models import MonthlyMinimum, Offer, Plan, Price, VatRate


class PlanInline(admin.TabularInline):
    model = Plan
    extra = 0
    fields = ["name", "slug", "storage_gb", "mailbox_count", "order", "is_active"]
    show_change_link = True


class PriceInline(admin.TabularInline):
    model = Price
    extra = 0


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_free", "is_active", "order"]
    list_filter = ["kind", "is_free", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlanInline]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "offer", "storage_gb", "mailbox_count", "is_active", "order"]
    list_filter = ["offer__kind", "is_active"]
    list_select_related = ["offer"]
    search_fields = ["name", "slug", "offer__name"]
    inlines = [PriceInline]


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ["plan", "period_months", "currency", "amount"]
    list_filter = ["currency", "period_months", "plan__offer__kind"]
    list_select_related = ["plan__offer"]
    search_fields = ["plan__name", "plan__offer__name"]


@admin.register(MonthlyMinimum)
class MonthlyMinimumAdmin(admin.ModelAdmin):
    list_display = ["currency", "amount"]


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ["country", "rate", "valid_from", "valid_until", "mention"]
    list_filter = ["country"]
