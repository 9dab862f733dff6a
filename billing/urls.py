from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("webhooks/<slug:provider>/", views.webhook, name="webhook"),
]
