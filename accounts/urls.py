from django.urls import path

from accounts import views
from accounts.models import EmailChangeRequest

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/avatar/", views.avatar, name="avatar"),
    path(
        "profile/login-email/",
        views.email_change,
        {"kind": EmailChangeRequest.Kind.LOGIN},
        name="login_email_change",
    ),
    path(
        "profile/recovery-email/",
        views.email_change,
        {"kind": EmailChangeRequest.Kind.RECOVERY},
        name="recovery_email_change",
    ),
    path(
        "profile/recovery-email/remove/",
        views.recovery_email_remove_view,
        name="recovery_email_remove",
    ),
    path(
        "email/confirm/<str:token>/", views.email_change_confirm_view, name="email_change_confirm"
    ),
    path("profile/sessions/<int:session_id>/end/", views.session_end, name="session_end"),
    path("profile/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("language/", views.language, name="language"),
    # One way to change the e-mail and the password: allauth's pages lead to ours.
    path("accounts/email/", views.allauth_email_page),
    path("accounts/password/change/", views.allauth_password_change_page),
    path("accounts/password/set/", views.allauth_password_change_page),
    path("accounts/sessions/", views.allauth_sessions_page),
    path("accounts/2fa/", views.allauth_two_factor_page),
]
