from django.urls import path

from shop import views

# In the "shop" namespace with the checkout pages (panel/urls.py), see gestor/urls.py.
urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/method/", views.payment_method, name="payment_method"),
    path("cart/promo/", views.promo_apply, name="promo_apply"),
    path("cart/lines/<int:line_id>/", views.line_update, name="line_update"),
    path("cart/lines/<int:line_id>/remove/", views.line_remove, name="line_remove"),
    path("cart/lines/<int:line_id>/promo/remove/", views.promo_remove, name="promo_remove"),
    path("cart/lines/<int:line_id>/grant/", views.grant_set, name="grant_set"),
]
