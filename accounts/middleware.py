from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from allauth.account.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user sees the panel in the language saved on their account (X1).

    Runs after LocaleMiddleware, which handles visitors (cookie, then browser).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


# Where the session remembers when its activity was last recorded, and from
# which client (a digest of IP and user agent).
_ACTIVITY_KEY = "_activity"


class SessionActivityMiddleware:
    """A7: the active sessions list shows IP, device and when each was last seen.

    Replaces allauth's tracking, which writes and commits on every request: the
    activity is recorded at most once every ``USERSESSIONS_ACTIVITY_INTERVAL``
    seconds per session, or at once when the IP or the browser changes. In
    between, a page view writes nothing to the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            settings.USERSESSIONS_TRACK_ACTIVITY
            and session is not None
            and session.session_key
            and user is not None
            and user.is_authenticated
        ):
            self._record(request)
        return self.get_response(request)

    @staticmethod
    def _record(request: HttpRequest) -> None:
        ip = get_adapter().get_client_ip(request)
        agent = request.META.get("HTTP_USER_AGENT", "")
        client = hashlib.blake2b(f"{ip}\n{agent}".encode(), digest_size=8).hexdigest()
        now = int(time.time())
        seen = request.session.get(_ACTIVITY_KEY)
        if (
            isinstance(seen, list)
            and len(seen) == 2
            and seen[1] == client
            and 0 <= now - int(seen[0]) < settings.USERSESSIONS_ACTIVITY_INTERVAL
        ):
            return
        UserSession.objects.create_from_request(request)
        request.session[_ACTIVITY_KEY] = [now, client]
