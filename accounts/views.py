from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import ApiTokenCreateForm, LanguageForm, ProfileForm
from accounts.models import ApiToken, request_user
from accounts.reauth import reauth_required
from accounts.services import user_profile_update
from accounts.tokens import api_token_create, api_token_revoke


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
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user_profile_update(
                user=request_user(request),
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
            )
            messages.success(request, _("Your profile was saved."))
            return redirect("profile")
    else:
        form = ProfileForm(instance=request.user)
    tokens = ApiToken.objects.filter(user=request_user(request), revoked_at__isnull=True)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": tokens,
            "token_form": ApiTokenCreateForm(),
            "new_token": request.session.pop("new_api_token", None),
        },
    )


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
