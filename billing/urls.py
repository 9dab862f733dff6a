from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("webhooks/<slug:provider>/", views.webhook, name="webhook"),
    path("transfers/<str:reference>/qr-bill.svg", views.payment_qr_bill, name="payment_qr_bill"),
]
