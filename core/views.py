from __future__ import annotations

import posixpath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from accounts.models import request_user
from core.dashboard import dashboard_summary
from orgs.access import membership_current, org_view
from orgs.models import Capability, Membership
from orgs.services.invitations import invitations_open_for


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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The landing page; without any organization, the empty state offers to create one (O1)."""
    membership = membership_current(request)
    invitations = invitations_open_for(request_user(request))
    if membership is None:
        return render(request, "core/no_organization.html", {"invitations": invitations})
    return render(
        request,
        "core/dashboard.html",
        {
            "membership": membership,
            "summary": dashboard_summary(membership),
            "invitations": invitations,
        },
    )


def _section(template: str, capability: Capability):  # type: ignore[no-untyped-def]
    @org_view(capability)
    def view(request: HttpRequest, membership: Membership) -> HttpResponse:
        return render(request, template, {"membership": membership})

    return view


# Sections whose content comes with later issues; each already answers with its
# empty state behind the right capability.
payments = _section("core/sections/payments.html", Capability.ACCOUNTING)


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
