"""Re-authentication before sensitive actions (A7, ASVS 6.3).

One decorator for every sensitive view of Gestor: changing the login e-mail or
the password, two-factor changes, ending sessions, creating API tokens, and
later removing a member, deleting an organization or withdrawing money.

It reuses allauth's re-authentication: the user must have confirmed their
password (or a second factor) on allauth's re-authentication page within
``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds (300). Otherwise the request is
suspended (a POST is kept in the session), the user is sent to that page, and
the request is replayed once they have re-authenticated. allauth's own
two-factor views apply exactly the same rule, so there is one window for all.

    @reauth_required
    def member_remove_view(request, ...): ...
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from accounts.allauth_bridge import (
    rate_limit_consume,
    reauthentication_is_recent,
    reauthentication_require,
)
from accounts.models import User
from core.errors import BusinessError

P = ParamSpec("P")

# For code that cannot use the decorator, e.g. a view that needs it on one branch.
reauth_is_recent = reauthentication_is_recent
reauth_require = reauthentication_require


def reauth_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Anonymous → login page; no recent re-authentication → re-authentication
    page, then back to the view (a suspended POST is replayed)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        reauth_require(request)
        return view(request, *args, **kwargs)

    return wrapper


def reauth_api_check(request: HttpRequest, *, user: User, password: str, code: str | None) -> None:
    """The API's re-authentication (A7): a token alone never suffices for a
    sensitive action; the request carries the account password, and a code
    from the authenticator app when two-factor is on. Rate-limited like the
    browser's re-authentication."""
    if not rate_limit_consume(request, action="reauthenticate", user=user):
        raise HttpError(429, _("Too many attempts. Please wait a minute and try again."))
    if not user.check_password(password):
        raise BusinessError(
            _("The password is not correct."), code="wrong_password", field="password"
        )
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None and not (code and totp.wrap().validate_code(code)):
        raise BusinessError(
            _("Enter a valid code from your authenticator app."), code="wrong_code", field="code"
        )
