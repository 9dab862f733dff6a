"""Demo data: a cast of users in organizations in Spain (EUR) and Switzerland (CHF).

Idempotent: running it again leaves the same data (and resets the demo passwords).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing.demo import money_demo_seed
from orgs.models import (
    BillingAddress,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
)
from orgs.services.invitations import invitation_create
from orgs.services.members import MemberPermissions
from products.demo import products_demo_seed
from shop.demo import shop_demo_seed

DEMO_PASSWORD = "demo-gestor"  # noqa: S105 (documented in README; demo only)

USERS = [
    # email, name, language
    ("ana@demo.gestor.test", "Ana García", "es"),
    ("beat@demo.gestor.test", "Beat Keller", "de"),
    ("carla@demo.gestor.test", "Carla Rossi", "it"),
    ("david@demo.gestor.test", "David Martín", "es"),
    ("elena@demo.gestor.test", "Elena Dubois", "fr"),
    ("frank@demo.gestor.test", "Frank Miller", "en"),
    ("nadia@demo.gestor.test", "Nadia Solo", "en"),
]

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "name": "Hostelería Sol S.L.",
        "kind": OrganizationKind.COMPANY,
        "street": "Calle Mayor 12",
        "postcode": "28013",
        "city": "Madrid",
        "country": "ES",
        "phone": "+34911234567",
        "tax_id": "B12345674",
        "members": [
            ("ana@demo.gestor.test", Role.LEGAL_REPRESENTATIVE, False),
            ("david@demo.gestor.test", Role.ADMINISTRATOR, False),
            ("elena@demo.gestor.test", Role.MEMBER, True),
            ("frank@demo.gestor.test", Role.MEMBER, False),
        ],
    },
    {
        "name": "Asociación Vecinal Triana",
        "kind": OrganizationKind.ASSOCIATION,
        "street": "Calle Betis 5",
        "postcode": "41010",
        "city": "Sevilla",
        "country": "ES",
        "phone": "+34954123456",
        "members": [
            ("david@demo.gestor.test", Role.LEGAL_REPRESENTATIVE, False),
            ("ana@demo.gestor.test", Role.MEMBER, True),
        ],
    },
    {
        "name": "Alpenblick Treuhand AG",
        "kind": OrganizationKind.COMPANY,
        "street": "Bahnhofstrasse 21",
        "postcode": "8001",
        "city": "Zürich",
        "country": "CH",
        "phone": "+41441234567",
        "tax_id": "CHE-123.456.788",
        "members": [
            ("beat@demo.gestor.test", Role.LEGAL_REPRESENTATIVE, False),
            ("carla@demo.gestor.test", Role.ADMINISTRATOR, False),
            ("elena@demo.gestor.test", Role.MEMBER, True),
            ("ana@demo.gestor.test", Role.MEMBER, False),
        ],
    },
    {
        "name": "Studio Rossi",
        "kind": OrganizationKind.INDIVIDUAL,
        "street": "Via Nassa 3",
        "postcode": "6900",
        "city": "Lugano",
        "country": "CH",
        "phone": "+41911234567",
        "members": [("carla@demo.gestor.test", Role.LEGAL_REPRESENTATIVE, False)],
    },
]


class Command(BaseCommand):
    help = "Create or refresh the demo cast (password: demo-gestor)."

    @transaction.atomic
    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        users: dict[str, User] = {}
        for email, name, language in USERS:
            user = User.objects.filter(email__iexact=email).first() or User(email=email)
            user.name = name
            user.language = language
            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            users[email] = user
        # A first login lands in the organization listed first for the user (the
        # current organization falls back to the one used most recently).
        now = timezone.now()
        for position, spec in enumerate(ORGANIZATIONS):
            members = spec["members"]
            fields = {k: v for k, v in spec.items() if k not in {"name", "members"}}
            org, _created = Organization.objects.update_or_create(
                name=spec["name"], defaults=fields
            )
            for email, role, accounting in members:  # type: ignore[attr-defined]
                Membership.objects.update_or_create(
                    organization=org,
                    user=users[email],
                    defaults={"role": role, "accounting": accounting},
                    create_defaults={
                        "role": role,
                        "accounting": accounting,
                        "last_seen_at": now - timedelta(hours=position),
                    },
                )
        _orgs_demo_extras()
        products_demo_seed(timezone.localdate())
        money_demo_seed(timezone.localdate())
        shop_demo_seed()
        staff = User.objects.filter(email__iexact="support@demo.gestor.test").first() or User(
            email="support@demo.gestor.test"
        )
        staff.name, staff.is_staff, staff.is_superuser = "Sam Support", True, True
        staff.set_password(DEMO_PASSWORD)
        staff.save()
        EmailAddress.objects.update_or_create(
            user=staff, email=staff.email, defaults={"verified": True, "primary": True}
        )
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Every demo login uses the password demo-gestor:")
        )
        self.stdout.write(
            "  ana@demo.gestor.test    legal representative (Hostelería Sol, ES, EUR)"
        )
        self.stdout.write(
            "  david@demo.gestor.test  administrator (Hostelería Sol), legal rep. (Triana)"
        )
        self.stdout.write(
            "  elena@demo.gestor.test  user with Accounting (Hostelería Sol, Alpenblick)"
        )
        self.stdout.write("  frank@demo.gestor.test  plain user (Hostelería Sol)")
        self.stdout.write(
            "  beat@demo.gestor.test   legal representative (Alpenblick Treuhand, CH, CHF)"
        )
        self.stdout.write(
            "  carla@demo.gestor.test  administrator (Alpenblick), legal rep. (Studio Rossi)"
        )
        self.stdout.write("  nadia@demo.gestor.test  belongs to no organization (empty state)")
        self.stdout.write("  support@demo.gestor.test  support agent (back office at /backoffice/)")
        self.stdout.write(
            "Shop: promo codes BIENVENIDA20 (web hosting, yearly) and DOMINIO5 (a domain name);"
            " Hostelería Sol holds a free grant of Backup 50 GB."
        )


def _orgs_demo_extras() -> None:
    """O3, O5: an extra billing address and a pending invitation in Hostelería Sol."""
    org = Organization.objects.get(name="Hostelería Sol S.L.")
    BillingAddress.objects.get_or_create(
        organization=org,
        name="Hostelería Sol S.L. - Administración",
        defaults={
            "street": "Gran Vía 28",
            "postcode": "28013",
            "city": "Madrid",
            "country": "ES",
        },
    )
    acting = Membership.objects.get(organization=org, user__email="ana@demo.gestor.test")
    open_invitation = Invitation.objects.filter(
        organization=org,
        email="gloria@demo.gestor.test",
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if not open_invitation.exists():
        invitation_create(
            acting=acting,
            email="gloria@demo.gestor.test",
            role=Role.MEMBER,
            permissions=MemberPermissions(accounting=True),
        )
