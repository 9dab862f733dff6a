"""A7: an organization that requires two-factor authentication sends its legal
representatives and administrators without it to enrolment first."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from orgs.access import memberships_of_request, two_factor_missing

# Paths a user who must enrol can still reach: allauth's pages (two-factor
# enrolment, re-authentication, logout), static files, the API, the language
# switch, and e-mail confirmation links (they may arrive before enrolment).
_TWO_FACTOR_EXEMPT_PREFIXES = (
    "/accounts/",
    "/static/",
    "/media/",
    "/api/",
    "/language/",
    "/email/confirm/",
)


class TwoFactorRequiredMiddleware:
    """Sends such users to two-factor enrolment before anything else (A7)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_TWO_FACTOR_EXEMPT_PREFIXES)
            and request.path != "/healthz"
            # The memberships read once per request (issue 9): also the current
            # organization's and the switcher's.
            and two_factor_missing(user, memberships_of_request(request))
        ):
            messages.warning(
                request,
                _(
                    "Your organization requires two-factor authentication for legal "
                    "representatives and administrators. Please set it up to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
