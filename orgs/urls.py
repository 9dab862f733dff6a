from django.urls import path

from orgs import views

# Included by gestor/urls.py under the "orgs" namespace, together with the
# pages of the flows on organizations (panel.urls.orgs_urlpatterns).
app_name = "orgs"
urlpatterns = [
    path("organizations/new/", views.create, name="create"),
    path("organizations/switch/", views.switch, name="switch"),
    path("organization/", views.detail, name="detail"),
    path("organization/edit/", views.edit, name="edit"),
    path("organization/addresses/new/", views.address_form, name="address_add"),
    path("organization/addresses/default/", views.address_default, name="address_default"),
    path("organization/addresses/<int:address_id>/", views.address_form, name="address_edit"),
    path(
        "organization/addresses/<int:address_id>/remove/",
        views.address_remove,
        name="address_remove",
    ),
    path("users/", views.members, name="members"),
    path("users/invite/", views.invite, name="invite"),
    path("users/<int:member_id>/", views.member_edit, name="member_edit"),
    path(
        "users/invitations/<int:invitation_id>/resend/",
        views.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "users/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("invitations/join/<int:invitation_id>/", views.invitation_join, name="invitation_join"),
    path("invitations/<str:key>/", views.invitation, name="invitation"),
    path("audit/", views.audit, name="audit"),
]
