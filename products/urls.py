from django.urls import path

from products import views

app_name = "products"
urlpatterns = [
    path("<int:product_id>/", views.product_detail, name="detail"),
    path("<int:product_id>/auto-renewal/", views.product_auto_renewal, name="auto_renewal"),
    path("<int:product_id>/rename/", views.product_rename_view, name="rename"),
    path("<int:product_id>/cancel/", views.product_cancel_view, name="cancel"),
    path("<int:product_id>/access/", views.product_access_view, name="access"),
    path(
        "<int:product_id>/mailboxes/<int:mailbox_id>/password/",
        views.mailbox_password,
        name="mailbox_password",
    ),
]
