"""What ordering each offer asks for, and the check of what was typed (issue 10).

The cart shows ``offer_requirement(kind)`` (a label and a help text) next to each
line that needs a value, and calls ``requirement_clean`` when the value is typed
and again when the order is paid; ``product_create`` (products.services) stores
the cleaned value on the product. A malformed value gets one clear, translated
reason (``BusinessError`` with a code and ``field``) and nothing is created.

- domain name: the domain to register; refused when an open product of Gestor
  already holds it.
- web hosting: the site's domain.
- e-mail service: the mailbox domain (the part after the @).
- cloud server: its size is the plan chosen in the cart; nothing is typed.
- file storage, backup: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import OfferKind, Plan
from core.errors import BusinessError
from products.domains import domain_ascii, domain_unicode
from products.models import OPEN_STATUSES, ProductInstance

# The field of the product, the form and the API that carries the value.
REQUIREMENT_FIELD = "domain"


@dataclass(frozen=True)
class Requirement:
    """What one kind of offer asks for when ordered.

    ``asks_value`` is False when nothing is typed (the label and help text then
    explain what the order is made of, e.g. a server's size is its plan).
    ``held_once`` refuses a value an open product of Gestor already holds.
    """

    offer_kind: OfferKind
    label: Promise
    help_text: Promise
    asks_value: bool = True
    held_once: bool = False
    field: str = REQUIREMENT_FIELD


REQUIREMENTS: dict[OfferKind, Requirement] = {
    OfferKind.DOMAIN_NAME: Requirement(
        OfferKind.DOMAIN_NAME,
        label=gettext_lazy("Domain name to register"),
        help_text=gettext_lazy(
            "The whole name with its extension, e.g. example.com. Accented letters are "
            "allowed (e.g. bücher.ch)."
        ),
        held_once=True,
    ),
    OfferKind.WEB_HOSTING: Requirement(
        OfferKind.WEB_HOSTING,
        label=gettext_lazy("Domain of the website"),
        help_text=gettext_lazy(
            "The address the site answers at, e.g. example.com or shop.example.com."
        ),
    ),
    OfferKind.EMAIL_SERVICE: Requirement(
        OfferKind.EMAIL_SERVICE,
        label=gettext_lazy("Domain of the mailboxes"),
        help_text=gettext_lazy(
            "What comes after the @ in the addresses, e.g. example.com for info@example.com."
        ),
    ),
    OfferKind.CLOUD_SERVER: Requirement(
        OfferKind.CLOUD_SERVER,
        label=gettext_lazy("Server size"),
        help_text=gettext_lazy(
            "The size of the server is the plan chosen: processors, memory and disk."
        ),
        asks_value=False,
    ),
}


def offer_requirement(offer_kind: str) -> Requirement | None:
    """What ordering an offer of this kind asks for; None when it asks for nothing
    (file storage, backup). ``ValueError`` for a kind that does not exist."""
    return REQUIREMENTS.get(OfferKind(offer_kind))


def domain_holders(domain: str) -> QuerySet[ProductInstance]:
    """The open products of Gestor holding the domain name (stored form): the same
    condition and expression as the unique index ``products_domain_held_once``, so
    the look-up reads that index."""
    return (
        ProductInstance.objects.alias(domain_lower=Lower("domain"))
        .filter(
            offer_kind=OfferKind.DOMAIN_NAME,
            status__in=OPEN_STATUSES,
            domain_lower=domain.lower(),
        )
        .exclude(domain="")
    )


def domain_held(domain: str) -> bool:
    """Whether an open product of Gestor holds the domain name (stored form)."""
    return domain_holders(domain).exists()


def domain_held_error(domain: str) -> BusinessError:
    """The one reason for a domain name already held, from the check or from the
    database's unique index when two orders race."""
    return BusinessError(
        _(
            "The domain name %(domain)s is already registered in Gestor, so it cannot be "
            "ordered. If it belongs to your organization, renew it from the Products page."
        )
        % {"domain": domain_unicode(domain)},
        code="domain_held",
        field=REQUIREMENT_FIELD,
    )


def _extension_check(domain: str, plan: Plan) -> None:
    extension = plan.domain_extension
    if not domain.endswith("." + extension):
        raise BusinessError(
            _(
                "The plan %(plan)s registers names ending in .%(extension)s: enter a name "
                "such as example.%(extension)s, or choose the plan for its extension."
            )
            % {"plan": plan.name, "extension": domain_unicode(extension)},
            code="wrong_extension",
            field=REQUIREMENT_FIELD,
        )
    name = domain.removesuffix("." + extension)
    if "." in name:
        registrable = name.rsplit(".", 1)[1] + "." + extension
        raise BusinessError(
            _(
                "Only the name itself is registered: enter %(domain)s (its subdomains, such "
                "as www, come with it)."
            )
            % {"domain": domain_unicode(registrable)},
            code="not_registrable",
            field=REQUIREMENT_FIELD,
        )


def requirement_clean(offer_kind: str, raw_value: str, *, plan: Plan | None = None) -> str:
    """The value to store for an order of an offer of ``offer_kind``: a domain name
    in its stored form (ASCII, lower case), or "" for an offer that asks for
    nothing. Raises ``BusinessError`` (code and ``field``) with the reason
    (``products.domains.domain_ascii``'s codes, ``not_asked``, ``domain_held``,
    and with the ``plan`` of a domain name: ``wrong_extension``, ``not_registrable``).

    Pass the plan ordered when there is one: a domain name plan registers one
    extension (its price), and a name directly under it (example.ch, not
    www.example.ch)."""
    requirement = offer_requirement(offer_kind)
    if requirement is None or not requirement.asks_value:
        if raw_value.strip():
            raise BusinessError(
                _("This product asks for no domain name: leave the field empty."),
                code="not_asked",
                field=REQUIREMENT_FIELD,
            )
        return ""
    domain = domain_ascii(raw_value, field=requirement.field)
    if plan is not None and plan.domain_extension and requirement.held_once:
        _extension_check(domain, plan)
    if requirement.held_once and domain_held(domain):
        raise domain_held_error(domain)
    return domain
