from django.urls import path

from wallet import views

app_name = "prepaid"

urlpatterns = [
    path("credit/", views.credit, name="credit"),
    path("credit/<str:reference>/", views.credit_status, name="credit_status"),
    path("withdraw/", views.withdraw, name="withdraw"),
]
