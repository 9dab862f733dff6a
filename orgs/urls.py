from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("organizations/new/", views.create, name="create"),
    path("organizations/switch/", views.switch, name="switch"),
    path("organization/", views.detail, name="detail"),
    path("users/", views.members, name="members"),
]
