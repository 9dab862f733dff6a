from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import request_user
from core.errors import BusinessError
from orgs.access import membership_switch, org_view
from orgs.forms import OrganizationCreateForm, SwitchForm
from orgs.models import Capability, Membership
from orgs.services import org_create


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """O1: make another of the user's organizations current (404 for any other)."""
    form = SwitchForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = membership_switch(request, form.cleaned_data["organization"])
    messages.info(
        request, _("You are now working in %(name)s.") % {"name": membership.organization.name}
    )
    target = form.cleaned_data.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """O1: create another organization and switch to it."""
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = org_create(
                user=request_user(request),
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                country=form.cleaned_data["country"] or "",
            )
        except BusinessError as exc:
            form.add_error(exc.field, str(exc.message))
        else:
            membership_switch(request, organization.pk)
            messages.success(
                request, _("The organization %(name)s was created.") % {"name": organization.name}
            )
            return redirect("dashboard")
    return render(request, "orgs/create.html", {"form": form})


@org_view(Capability.VIEW_ORG)
def detail(request: HttpRequest, membership: Membership) -> HttpResponse:
    """O4: the organization's details; everyone in it may read them."""
    return render(request, "orgs/detail.html", {"organization": membership.organization})


@org_view(Capability.MANAGE_MEMBERS)
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    """O2: the organization's users with their roles."""
    queryset = (
        Membership.objects.filter(organization=membership.organization)
        .select_related("user")
        .order_by("user__email")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/members.html", {"page": page})
