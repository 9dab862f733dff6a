"""Products pages (S5): the list, a product's detail with *Manage*."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import BusinessError
from core.pagination import offset_page
from orgs.access import CapabilityMissing, org_view
from orgs.models import Capability, Membership, Role
from products.forms import (
    AccessForm,
    AutoRenewalForm,
    CancelForm,
    MailboxPasswordForm,
    RenameForm,
)
from products.mailboxes import mailbox_password_set
from products.queries import product_for, products_visible_to
from products.services import (
    CancelWhen,
    product_access_set,
    product_auto_renewal_set,
    product_cancel,
    product_rename,
)

PAGE_SIZE = 25


def _manager(membership: Membership) -> None:
    if not membership.can(Capability.MANAGE_PRODUCTS):
        raise CapabilityMissing(Capability.MANAGE_PRODUCTS)


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return HttpResponseRedirect(target)


@org_view(Capability.VIEW_ORG)
def product_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    """S5: the organization's products the user may see, ending soonest first."""
    queryset = (
        products_visible_to(membership)
        .select_related("plan__offer")
        .order_by("status", "term_end", "pk")
    )
    page = offset_page(queryset, request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "products/list.html",
        {"page": page, "can_manage": membership.can(Capability.MANAGE_PRODUCTS)},
    )


@org_view(Capability.VIEW_ORG)
def product_detail(request: HttpRequest, membership: Membership, product_id: int) -> HttpResponse:
    product = product_for(membership, product_id)
    can_manage = membership.can(Capability.MANAGE_PRODUCTS)
    context = {
        "product": product,
        "can_manage": can_manage,
        "mailboxes": product.mailboxes.order_by("address").prefetch_related(
            "members_with_access__user"
        ),
        "spaces": (
            product.files.values("owner__user__name", "owner__user__email")
            .annotate(files=Count("pk"), size=Sum("size_bytes"))
            .order_by("owner__user__email")
        ),
    }
    if can_manage:
        context["granted"] = product.members_with_access.select_related("user").order_by(
            "user__email"
        )
        context["managers"] = (
            Membership.objects.filter(organization_id=membership.organization_id)
            .exclude(role=Role.MEMBER)
            .select_related("user")
            .order_by("user__email")
        )
    return render(request, "products/detail.html", context)


@org_view(Capability.VIEW_ORG)
@require_POST
def product_auto_renewal(
    request: HttpRequest, membership: Membership, product_id: int
) -> HttpResponse:
    """P3: one click, no JavaScript needed (a form with one button)."""
    product = product_for(membership, product_id)
    _manager(membership)
    form = AutoRenewalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request is not valid."))
    else:
        enabled = form.cleaned_data["enabled"]
        try:
            product = product_auto_renewal_set(product=product, enabled=enabled, acting=membership)
        except BusinessError as exc:
            messages.error(request, str(exc.message))
        else:
            text = (
                _("Automatic renewal of %(name)s is on.")
                if enabled
                else _("Automatic renewal of %(name)s is off.")
            )
            messages.success(request, text % {"name": product.display_name})
    return _back(request, reverse("products:detail", args=[product.pk]))


@org_view(Capability.VIEW_ORG)
def product_rename_view(
    request: HttpRequest, membership: Membership, product_id: int
) -> HttpResponse:
    product = product_for(membership, product_id)
    _manager(membership)
    form = RenameForm(request.POST or None, initial={"name": product.name})
    if request.method == "POST" and form.is_valid():
        try:
            product_rename(product=product, name=form.cleaned_data["name"], acting=membership)
        except BusinessError as exc:
            form.add_error(exc.field, str(exc.message))
        else:
            messages.success(request, _("The product was renamed."))
            return redirect("products:detail", product.pk)
    return render(request, "products/rename.html", {"product": product, "form": form})


@org_view(Capability.VIEW_ORG)
def product_cancel_view(
    request: HttpRequest, membership: Membership, product_id: int
) -> HttpResponse:
    """S5: cancel at the term end or now without refund, the difference explained."""
    product = product_for(membership, product_id)
    _manager(membership)
    if not product.is_open:
        raise Http404
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        when = CancelWhen(form.cleaned_data["when"])
        try:
            product_cancel(product=product, when=when, acting=membership)
        except BusinessError as exc:
            form.add_error(None, str(exc.message))
        else:
            if when is CancelWhen.NOW:
                messages.success(request, _("The product was cancelled."))
            else:
                messages.success(
                    request,
                    _("The product will end on %(date)s and will not be renewed.")
                    % {"date": date_format(product.term_end, "SHORT_DATE_FORMAT")},
                )
            return redirect("products:detail", product.pk)
    return render(request, "products/cancel.html", {"product": product, "form": form})


@org_view(Capability.VIEW_ORG)
def product_access_view(
    request: HttpRequest, membership: Membership, product_id: int
) -> HttpResponse:
    """O2: which plain users may see this product."""
    product = product_for(membership, product_id)
    _manager(membership)
    form = AccessForm(
        request.POST or None,
        organization_id=membership.organization_id,
        initial={"members": list(product.members_with_access.all())},
    )
    if request.method == "POST" and form.is_valid():
        product_access_set(product=product, members=form.cleaned_data["members"], acting=membership)
        messages.success(request, _("Access to the product was saved."))
        return redirect("products:detail", product.pk)
    return render(request, "products/access.html", {"product": product, "form": form})


@org_view(Capability.VIEW_ORG)
def mailbox_password(
    request: HttpRequest, membership: Membership, product_id: int, mailbox_id: int
) -> HttpResponse:
    """S5: an administrator sets a mailbox's password; no account password changes."""
    product = product_for(membership, product_id)
    _manager(membership)
    mailbox = product.mailboxes.filter(pk=mailbox_id).first()
    if mailbox is None:
        raise Http404
    form = MailboxPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mailbox_password_set(
                mailbox=mailbox, password=form.cleaned_data["password1"], acting=membership.user
            )
        except BusinessError as exc:
            form.add_error("password1", str(exc.message))
        else:
            messages.success(
                request,
                _("The password of the mailbox %(address)s was changed.")
                % {"address": mailbox.address},
            )
            return redirect("products:detail", product.pk)
    return render(
        request,
        "products/mailbox_password.html",
        {"product": product, "mailbox": mailbox, "form": form},
    )
