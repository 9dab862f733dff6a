from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.allauth_bridge import rate_limit_consume, reauthentication_record_password
from accounts.forms import (
    ApiTokenCreateForm,
    AvatarForm,
    EmailChangeForm,
    LanguageForm,
    ProfileForm,
)
from accounts.models import ApiToken, EmailChangeRequest, User, request_user
from accounts.reauth import reauth_required
from accounts.services import (
    email_change_confirm,
    email_change_pending,
    email_change_request,
    recovery_email_remove,
    user_avatar_remove,
    user_avatar_set,
    user_profile_update,
    user_session_end,
    user_sessions_end_others,
)
from accounts.tokens import api_token_create, api_token_revoke
from core.errors import BusinessError
from core.forms import form_error_add


def _safe_next(request: HttpRequest, candidate: str | None, default: str = "/") -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """A2: the login e-mail, identity, and the account's security sections."""
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_profile_update(
                user=request_user(request),
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
            )
            messages.success(request, _("Your profile was saved."))
            return redirect("profile")
    else:
        form = ProfileForm(
            initial={"name": request_user(request).name, "language": request_user(request).language}
        )
    user = request_user(request)
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    sessions = sorted(
        UserSession.objects.purge_and_list(user), key=lambda s: s.last_seen_at, reverse=True
    )
    pending = {
        change.kind: change
        for change in EmailChangeRequest.objects.filter(
            user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("created_at")
    }
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": tokens,
            # Its own ids: the identity form above has a "name" field too.
            "token_form": ApiTokenCreateForm(auto_id="id_token_%s"),
            "new_token": request.session.pop("new_api_token", None),
            "sessions": sessions,
            "current_session_key": request.session.session_key,
            "two_factor": is_mfa_enabled(user, [Authenticator.Type.TOTP]),
            "recovery_codes_left": _recovery_codes_left(user),
            "pending_login": pending.get(EmailChangeRequest.Kind.LOGIN),
            "pending_recovery": pending.get(EmailChangeRequest.Kind.RECOVERY),
            "avatar_form": AvatarForm(),
        },
    )


def _recovery_codes_left(user: User) -> int | None:
    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    if authenticator is None:
        return None
    return len(authenticator.wrap().get_unused_codes())


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """X1: switch the language; a signed-in user's choice is saved on the account."""
    form = LanguageForm(request.POST)
    target = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        messages.error(request, _("This language is not available."))
        return HttpResponseRedirect(target)
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        user_profile_update(user=request_user(request), language=code)
    translation.activate(code)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


@require_POST
@reauth_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenCreateForm(request.POST)
    if form.is_valid():
        _token, raw = api_token_create(user=request_user(request), name=form.cleaned_data["name"])
        # Shown once, on the next page, then gone: only its hash is kept.
        request.session["new_api_token"] = raw
        messages.success(
            request, _("Your new API token was created. Copy it now: it will not be shown again.")
        )
    else:
        messages.error(request, _("Please give the token a name of at most 100 characters."))
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(
        ApiToken, pk=token_id, user=request_user(request), revoked_at__isnull=True
    )
    api_token_revoke(user=request_user(request), token=token)
    messages.success(request, _("The API token was revoked."))
    return redirect("profile")


def _rate_limited(request: HttpRequest, action: str) -> bool:
    """allauth's rate limits (ACCOUNT_RATE_LIMITS) for our own account forms."""
    return not rate_limit_consume(request, action=action, user=request.user)


@login_required
def email_change(request: HttpRequest, kind: str) -> HttpResponse:
    """A3 (login e-mail) and A4 (recovery e-mail): ask for a verification link.

    The form asks for the password, so it is the re-authentication (A7): no
    separate "confirm access" page first, and a correct password opens the
    re-authentication window for what the user does next."""
    user = request_user(request)
    form = EmailChangeForm(request.POST or None)
    # Counted before the password is checked: guesses are limited too.
    limited = request.method == "POST" and _rate_limited(request, "manage_email")
    if limited:
        form = EmailChangeForm()  # not validated: it would tell whether the password is right
    if request.method == "POST" and not limited and form.is_valid():
        try:
            change, _raw = email_change_request(
                user=user,
                kind=kind,
                new_email=form.cleaned_data["new_email"],
                password=form.cleaned_data["password"],
            )
        except BusinessError as exc:
            if exc.code != "wrong_password":  # checked first: the password was right
                reauthentication_record_password(request)
            form_error_add(form, exc)
        else:
            reauthentication_record_password(request)
            messages.success(
                request,
                _(
                    "We sent a link to %(email)s. Open it within 3 days to confirm the "
                    "address; until then nothing changes."
                )
                % {"email": change.new_email},
            )
            return redirect("profile")
    return render(
        request,
        "accounts/email_change.html",
        {
            "form": form,
            "kind": kind,
            "is_login": kind == EmailChangeRequest.Kind.LOGIN,
            "rate_limited": limited,
        },
    )


@login_required
@require_POST
def avatar(request: HttpRequest) -> HttpResponse:
    """A2: upload a picture for the user pill, or remove it."""
    user = request_user(request)
    if "remove" in request.POST:
        user_avatar_remove(user=user)
        messages.success(request, _("Your picture was removed."))
        return redirect("profile")
    form = AvatarForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a picture to upload."))
        return redirect("profile")
    upload = form.cleaned_data["avatar"]
    try:
        user_avatar_set(user=user, upload=upload, size=upload.size)
    except BusinessError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your picture was saved."))
    return redirect("profile")


@require_POST
@reauth_required
def recovery_email_remove_view(request: HttpRequest) -> HttpResponse:
    """A4: stop using the recovery e-mail address."""
    recovery_email_remove(user=request_user(request))
    messages.success(request, _("The recovery e-mail address was removed."))
    return redirect("profile")


def email_change_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """A3/A4: the page behind the link. A GET only shows a button (mail scanners
    open links); the change happens on POST, once."""
    change = email_change_pending(raw_token=token)
    if request.method == "POST":
        try:
            change = email_change_confirm(raw_token=token)
        except BusinessError as exc:
            return render(
                request, "accounts/email_change_confirm.html", {"error": exc.message}, status=400
            )
        if request.user.pk == change.user_id:
            request.user.refresh_from_db()  # the menu shows the new address at once
        return render(request, "accounts/email_change_done.html", {"change": change})
    if change is None:
        return render(
            request,
            "accounts/email_change_confirm.html",
            {"error": _("This link is not valid any more. Ask for a new one from your profile.")},
            status=404,
        )
    return render(request, "accounts/email_change_confirm.html", {"change": change})


@require_POST
@reauth_required
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    """A7: log out one session of the user."""
    user = request_user(request)
    session = get_object_or_404(UserSession, pk=session_id, user=user)
    if session.session_key == request.session.session_key:
        messages.error(request, _("To end this session, log out."))
        return redirect("profile")
    user_session_end(user=user, session=session)
    messages.success(request, _("The session was logged out."))
    return redirect(reverse("profile") + "#sessions-title")


@require_POST
@reauth_required
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    """A7: log out every other session of the user."""
    count = user_sessions_end_others(
        user=request_user(request), current_session_key=request.session.session_key
    )
    messages.success(
        request,
        ngettext(
            "%(count)d other session was logged out.",
            "%(count)d other sessions were logged out.",
            count,
        )
        % {"count": count},
    )
    return redirect(reverse("profile") + "#sessions-title")


def allauth_email_page(request: HttpRequest) -> HttpResponse:
    """allauth's e-mail management is replaced by the profile's own flows (A3)."""
    return redirect("profile")


def allauth_password_change_page(request: HttpRequest) -> HttpResponse:
    return redirect("password_change")


def allauth_two_factor_page(request: HttpRequest) -> HttpResponse:
    """Two-factor authentication is set up and turned off from the profile (A7)."""
    return redirect(reverse("profile") + "#two-factor-title")


def allauth_sessions_page(request: HttpRequest) -> HttpResponse:
    """Sessions are listed and ended on the profile, after re-authentication (A7)."""
    return redirect(reverse("profile") + "#sessions-title")
