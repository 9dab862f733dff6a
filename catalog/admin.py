"""Back office (X4, S1): support agents manage offers, plans, prices and VAT rules.

Names, descriptions and VAT mentions are edited in every language (X1):
English and Spanish are required, the others fall back to them when empty.
"""

from django.conf import settings
from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from catalog.models import MonthlyMinimum, Offer, Plan, Price, VatRate


def in_every_language(lookup: str) -> list[str]:
    """Search a translated field in all its languages, not only the agent's."""
    return [f"{lookup}_{code}" for code, _name in settings.LANGUAGES]


class PlanInline(TranslationTabularInline):
    model = Plan
    extra = 0
    fields = [
        "name",
        "slug",
        "storage_gb",
        "mailbox_count",
        "domain_extension",
        "order",
        "is_active",
    ]
    show_change_link = True


class PriceInline(admin.TabularInline):
    model = Price
    extra = 0


@admin.register(Offer)
class OfferAdmin(TranslationAdmin):
    list_display = ["name", "kind", "is_free", "is_active", "order"]
    list_filter = ["kind", "is_free", "is_active"]
    search_fields = [*in_every_language("name"), "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlanInline]


@admin.register(Plan)
class PlanAdmin(TranslationAdmin):
    list_display = [
        "name",
        "offer",
        "storage_gb",
        "mailbox_count",
        "domain_extension",
        "is_active",
        "order",
    ]
    list_filter = ["offer__kind", "is_active"]
    list_select_related = ["offer"]
    search_fields = [*in_every_language("name"), "slug", *in_every_language("offer__name")]
    inlines = [PriceInline]


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ["plan", "period_months", "currency", "amount"]
    list_filter = ["currency", "period_months", "plan__offer__kind"]
    list_select_related = ["plan__offer"]
    search_fields = [*in_every_language("plan__name"), *in_every_language("plan__offer__name")]


@admin.register(MonthlyMinimum)
class MonthlyMinimumAdmin(admin.ModelAdmin):
    list_display = ["currency", "amount"]


@admin.register(VatRate)
class VatRateAdmin(TranslationAdmin):
    list_display = ["country", "rate", "valid_from", "valid_until", "mention"]
    list_filter = ["country"]
