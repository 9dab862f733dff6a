"""Pages that compose several domains: the dashboard, the sections without an
app of their own, and the pages of the flows (password change with the mailbox,
removing a user with their files)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.allauth_bridge import (
    password_change_finalize,
    rate_limit_consume,
    reauthentication_record_password,
)
from accounts.forms import PasswordChangeForm
from accounts.models import request_user
from accounts.reauth import reauth_required
from accounts.services import user_sessions_end_others
from core.errors import BusinessError
from core.forms import form_error_add
from flows.member_removal import member_leave, member_owned_files, member_remove
from flows.password_change import mailbox_of_login, password_change
from orgs.access import member_in, membership_current, memberships_of_request, org_view
from orgs.models import Capability, Membership
from orgs.services.invitations import invitations_open_for
from orgs.services.members import removal_refusal
from panel.dashboard import dashboard_summary
from panel.forms import LeaveConfirmForm, RemovalConfirmForm


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The landing page; without any organization, the empty state offers to create one (O1)."""
    membership = membership_current(request)
    invitations = invitations_open_for(
        request_user(request),
        member_of={m.organization_id for m in memberships_of_request(request)},
    )
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


# --- Password change (A5), with the mailbox at the login address ---------------------


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    """A5: change the password; other sessions end, this one stays under a new key.

    The current password typed here is the re-authentication (A7): no separate
    "confirm access" page first."""
    user = request_user(request)
    mailbox = mailbox_of_login(user=user)
    form = PasswordChangeForm(request.POST or None, user=user, has_mailbox=mailbox is not None)
    # Counted before the current password is checked: guesses are limited too.
    limited = request.method == "POST" and not rate_limit_consume(
        request, action="change_password", user=request.user
    )
    if limited:
        form = PasswordChangeForm(user=user, has_mailbox=mailbox is not None)
    valid = request.method == "POST" and not limited and form.is_valid()
    if request.method == "POST" and not limited and "current_password" in form.cleaned_data:
        reauthentication_record_password(request)
    if valid:
        failure = password_change(
            user=user,
            new_password=form.cleaned_data["new_password"],
            mailbox=mailbox if form.align_mailbox else None,
        )
        # allauth's finalisation: keeps this session under a new key, e-mails the
        # notice (login and recovery addresses) and fires password_changed.
        password_change_finalize(request, user)
        user_sessions_end_others(user=user, current_session_key=request.session.session_key)
        if failure is not None:
            messages.error(
                request,
                _(
                    "Your account password was changed, but the mailbox password could not "
                    "be changed: %(reason)s"
                )
                % {"reason": failure.message},
            )
        elif form.align_mailbox:
            messages.success(request, _("The mailbox now uses the same password."))
        return redirect("profile")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "mailbox": mailbox, "rate_limited": limited},
    )


# --- Removing and leaving (O6) ------------------------------------------------------


def _files_step(member: Membership) -> dict[str, Any]:
    """O6: the member's files and who may receive them, for the confirmation form."""
    files = member_owned_files(member)
    if not files:
        return {}
    heirs = list(
        Membership.objects.filter(organization_id=member.organization_id)
        .exclude(pk=member.pk)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    return {"files": files, "heirs": heirs}


@org_view(Capability.MANAGE_MEMBERS)
def member_remove_start(
    request: HttpRequest, membership: Membership, member_id: int
) -> HttpResponse:
    """O6, step 1: what removing means; *Continue*, or why it is not possible."""
    member = member_in(membership, member_id)
    if member.pk == membership.pk:
        return redirect("orgs:leave")
    refusal = removal_refusal(membership, member)
    return render(
        request,
        "orgs/member_remove.html",
        {"member": member, "refusal": refusal, "step": "explain"},
    )


@org_view(Capability.MANAGE_MEMBERS)
@reauth_required
def member_remove_confirm(
    request: HttpRequest, membership: Membership, member_id: int
) -> HttpResponse:
    """O6, after the account password: a confirmation box and the red button."""
    member = member_in(membership, member_id)
    if member.pk == membership.pk:
        return redirect("orgs:leave")
    refusal = removal_refusal(membership, member)
    form = RemovalConfirmForm(
        request.POST if request.method == "POST" else None, **_files_step(member)
    )
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            member_remove(acting=membership, member=member, data_decisions=form.decisions())
        except BusinessError as exc:
            if exc.field:
                form_error_add(form, exc)
            else:
                refusal = exc
        else:
            messages.success(
                request,
                _("%(name)s was removed from the organization.")
                % {"name": member.user.display_name},
            )
            return redirect("orgs:members")
    return render(
        request,
        "orgs/member_remove.html",
        {"member": member, "refusal": refusal, "form": form, "step": "confirm"},
        status=409 if request.method == "POST" and refusal else 200,
    )


@org_view(Capability.VIEW_ORG)
def leave(request: HttpRequest, membership: Membership) -> HttpResponse:
    """O6: leave the organization on one's own (the last legal representative cannot)."""
    refusal = removal_refusal(membership, membership)
    return render(
        request,
        "orgs/leave.html",
        {"refusal": refusal, "organization": membership.organization, "step": "explain"},
    )


@org_view(Capability.VIEW_ORG)
@reauth_required
def leave_confirm(request: HttpRequest, membership: Membership) -> HttpResponse:
    refusal = removal_refusal(membership, membership)
    form = LeaveConfirmForm(
        request.POST if request.method == "POST" else None, **_files_step(membership)
    )
    organization = membership.organization
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            member_leave(member=membership, data_decisions=form.decisions())
        except BusinessError as exc:
            if exc.field:
                form_error_add(form, exc)
            else:
                refusal = exc
        else:
            messages.success(
                request, _("You left the organization %(name)s.") % {"name": organization.name}
            )
            return redirect("dashboard")
    return render(
        request,
        "orgs/leave.html",
        {"refusal": refusal, "form": form, "organization": organization, "step": "confirm"},
        status=409 if request.method == "POST" and refusal else 200,
    )
