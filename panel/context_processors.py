from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orgs.access import membership_current, memberships_of_request
from orgs.models import Capability, Membership
from shop.queries import cart_line_count


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    capability: Capability | None
    help_slug: str = ""


# The panel's sections, in menu order. Each is shown only to those who may open it.
NAV_ITEMS = (
    NavItem("dashboard", _("Dashboard"), None),
    NavItem("products", _("Products"), Capability.VIEW_ORG),
    NavItem("shop", _("Shop"), Capability.MANAGE_PRODUCTS),
    NavItem("payments", _("Payments"), Capability.ACCOUNTING),
    NavItem("invoices", _("Invoices"), Capability.ACCOUNTING),
    NavItem("prepaid", _("Prepaid account"), Capability.ACCOUNTING),
    NavItem("orgs:members", _("Users"), Capability.MANAGE_MEMBERS),
    NavItem("orgs:detail", _("Organization"), Capability.VIEW_ORG),
    NavItem("orgs:audit", _("Audit log"), Capability.VIEW_AUDIT),
    NavItem("help", _("Help center"), None),
)


# The panel's fixed links (top bar, menus, dashboard), by template name. None of
# them depends on the request or the language, so they are reversed once per
# process and script prefix, not about 26 times on every page (issue 9).
PANEL_LINKS = {
    "dashboard": "dashboard",
    "help": "help",
    "profile": "profile",
    "language": "language",
    "logout": "account_logout",
    "org_switch": "orgs:switch",
    "org_create": "orgs:create",
    "org_detail": "orgs:detail",
    "products": "products",
    "prepaid": "prepaid",
    "invoices": "invoices",
    "cart": "shop:cart",
}


@lru_cache(maxsize=16)
def _reversed(prefix: str) -> dict[str, str]:
    """Every link of PANEL_LINKS and of the menu under the script prefix ``prefix``
    (``reverse`` reads the same prefix)."""
    names = {**PANEL_LINKS, **{item.url_name: item.url_name for item in NAV_ITEMS}}
    return {key: reverse(name) for key, name in names.items()}


def _visible(item: NavItem, membership: Membership | None) -> bool:
    if item.capability is None:
        return True
    return membership is not None and membership.can(item.capability)


def panel(request: HttpRequest) -> dict[str, Any]:
    """The current organization, the switcher's list and the menu, for every page."""
    links = _reversed(get_script_prefix())
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"panel_links": links}
    membership = membership_current(request)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    context: dict[str, Any] = {}
    if membership is not None and membership.can(Capability.MANAGE_PRODUCTS):
        # S2: the cart link's line count; a callable, so only a page that shows
        # the link (the panel's top bar) runs its one query.
        context["cart_link"] = True
        context["cart_line_count"] = partial(
            cart_line_count, organization_id=membership.organization_id, user_id=user.pk
        )
    return context | {
        "membership": membership,
        "current_org": membership.organization if membership else None,
        "memberships": memberships_of_request(request),
        "panel_links": links,
        "nav_items": [
            {
                "href": links[item.url_name],
                "label": item.label,
                # A section's own pages (e.g. "products:detail" under "products") keep it lit.
                "active": current == item.url_name or current.startswith(item.url_name + ":"),
            }
            for item in NAV_ITEMS
            if _visible(item, membership)
        ],
    }
