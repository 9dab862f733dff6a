"""Back office (X4): support agents look up products, mailboxes and stored files."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from products.domains import domain_search_ascii
from products.models import Mailbox, ProductInstance, StoredFile


@admin.register(ProductInstance)
class ProductInstanceAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "domain_display",
        "organization",
        "plan",
        "term_end",
        "auto_renewal",
        "status",
    ]
    list_filter = ["status", "auto_renewal", "plan__offer__kind"]
    list_select_related = ["organization", "plan__offer"]
    search_fields = ["name", "domain", "organization__name", "plan__name"]
    raw_id_fields = ["organization", "billing_address"]
    filter_horizontal = ["members_with_access"]
    date_hierarchy = "term_end"
    # Set when the product is ordered (products.requirements); the unique index on
    # open domain names relies on both.
    readonly_fields = ["offer_kind", "domain"]

    @admin.display(description=_("domain name"), ordering="domain")
    def domain_display(self, product: ProductInstance) -> str:
        return product.domain_display

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[ProductInstance], search_term: str
    ) -> tuple[QuerySet[ProductInstance], bool]:
        # Domains are stored in ASCII: "bücher" also finds xn--bcher-kva.ch.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        encoded = domain_search_ascii(search_term)
        if encoded:
            results = results | queryset.filter(domain__icontains=encoded)
        return results, may_have_duplicates


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["address", "organization", "product"]
    list_select_related = ["organization", "product__plan"]
    search_fields = ["address", "organization__name"]
    raw_id_fields = ["organization", "product"]
    filter_horizontal = ["members_with_access"]
    # Only the hash is stored, and only the service (or the panel) sets it.
    exclude = ["password_hash"]


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ["name", "size_bytes", "owner", "product"]
    list_select_related = ["owner__user", "product__plan"]
    search_fields = ["name", "owner__user__email"]
    raw_id_fields = ["product", "owner"]
