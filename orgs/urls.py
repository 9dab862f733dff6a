from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("organizations/new/", views.create, name="create"),
    path("organizations/switch/", views.switch, name="switch"),
    path("organization/", views.detail, name="detail"),
    path("organization/edit/", views.edit, name="edit"),
    path("organization/leave/", views.leave, name="leave"),
    path("organization/leave/confirm/", views.leave_confirm, name="leave_confirm"),
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
    path("users/<int:member_id>/remove/", views.member_remove_start, name="member_remove"),
    path(
        "users/<int:member_id>/remove/confirm/",
        views.member_remove_confirm,
        name="member_remove_confirm",
    ),
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
