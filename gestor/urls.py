from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from api.api import api
from billing import views as billing
from core import views as core
from orgs import urls as orgs_urls
from orgs import views as orgs
from panel import checkout
from panel import urls as panel_urls
from panel import views as panel
from products import views as products
from shop import urls as shop_urls
from shop import views as shop
from wallet import views as wallet

admin.site.site_header = "Gestor back office"
admin.site.site_title = "Gestor back office"

urlpatterns = [
    path("", panel.dashboard, name="dashboard"),
    path("healthz", core.healthz, name="healthz"),
    path("products/", products.product_list, name="products"),
    path("products/", include("products.urls")),
    path("shop/", shop.shop, name="shop"),
    path("shop/", include((shop_urls.urlpatterns + panel_urls.shop_urlpatterns, "shop"))),
    path("payments/", panel.payments, name="payments"),
    path("invoices/", billing.invoice_list, name="invoices"),
    path(
        "invoices/",
        include(
            (
                [
                    path("<int:invoice_id>/", billing.invoice_detail, name="detail"),
                    path("<int:invoice_id>/pay/", checkout.invoice_pay, name="pay"),
                    path("export.csv", billing.invoice_export, name="export"),
                    path("export/email/", billing.invoice_export_email, name="export_email"),
                    path(
                        "export/<str:token>/invoices.csv",
                        billing.invoice_export_link,
                        name="export_link",
                    ),
                    path(
                        "<int:invoice_id>/pay/<slug:reference>/",
                        checkout.invoice_paid,
                        name="paid",
                    ),
                    path("<int:invoice_id>/qr-bill.svg", billing.invoice_qr_bill, name="qr_bill"),
                    path("<int:invoice_id>/pdf", billing.invoice_document, name="pdf"),
                    path(
                        "<int:invoice_id>/credit-note/pdf",
                        billing.credit_note_document,
                        name="credit_note_pdf",
                    ),
                ],
                "invoices",
            )
        ),
    ),
    path("prepaid/", wallet.prepaid, name="prepaid"),
    path("prepaid/", include("wallet.urls")),
    path("billing/", include("billing.urls")),
    path("help/", core.help_index, name="help"),
    path("profile/password/", panel.password_change_view, name="password_change"),
    path("organization/security/", orgs.organization_security, name="organization_security"),
    path("", include("accounts.urls")),
    path("", include((orgs_urls.urlpatterns + panel_urls.orgs_urlpatterns, "orgs"))),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("backoffice/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Logos and avatars: images Gestor re-encoded itself, under unguessable names.
    urlpatterns += [path("media/<path:path>", core.media, name="media")]
