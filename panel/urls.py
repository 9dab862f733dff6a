from django.urls import path

from panel import shop_checkout, views

# Pages of the member-removal flow (O6), named in the "orgs" namespace with the
# other pages on users (gestor/urls.py joins them to orgs.urls).
orgs_urlpatterns = [
    path("organization/leave/", views.leave, name="leave"),
    path("organization/leave/confirm/", views.leave_confirm, name="leave_confirm"),
    path("users/<int:member_id>/remove/", views.member_remove_start, name="member_remove"),
    path(
        "users/<int:member_id>/remove/confirm/",
        views.member_remove_confirm,
        name="member_remove_confirm",
    ),
]

# The shop's checkout pages (S2–S4), in the "shop" namespace with the cart's
# pages (gestor/urls.py joins them to shop.urls): they call the checkout flow.
shop_urlpatterns = [
    path("cart/checkout/", shop_checkout.checkout, name="checkout"),
    path("orders/<str:reference>/", shop_checkout.order, name="order"),
]
