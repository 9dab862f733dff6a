"""Back office (X4): support agents look up products, mailboxes and stored files."""

from django.contrib import admin

from products.models import Mailbox, ProductInstance, StoredFile


@admin.register(ProductInstance)
class ProductInstanceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "plan", "term_end", "auto_renewal", "status"]
    list_filter = ["status", "auto_renewal", "plan__offer__kind"]
    list_select_related = ["organization", "plan__offer"]
    search_fields = ["name", "organization__name", "plan__name"]
    raw_id_fields = ["organization", "billing_address"]
    filter_horizontal = ["members_with_access"]
    date_hierarchy = "term_end"


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
