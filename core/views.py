from __future__ import annotations

import posixpath

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def help_index(request: HttpRequest) -> HttpResponse:
    """The help center's entrance, open to visitors (H1)."""
    return render(request, "core/help.html")


MEDIA_FOLDERS = ("logos/", "avatars/")


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve an uploaded image (logos, avatars). Every one was decoded and re-encoded
    by Pillow on upload; anything outside those folders is not served."""
    path = posixpath.normpath(path).lstrip("/")
    if not path.startswith(MEDIA_FOLDERS):
        raise Http404
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Disposition"] = "inline"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A readable page instead of Django's technical one when a form's token is stale (H2)."""
    return render(request, "403_csrf.html", status=403)
