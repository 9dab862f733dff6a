"""Demo products, mailboxes and stored files for the demo organizations (S5).

Called by ``manage.py demo_seed``; idempotent (products are found again by
organization and name; terms are recomputed around today).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from catalog.demo import catalog_ensure
from catalog.models import Plan
from orgs.models import Membership, Organization
from products.models import Mailbox, ProductInstance, ProductStatus, StoredFile

MAILBOX_PASSWORD = "demo-gestor"  # noqa: S105 (demo only, as the accounts)

# organization, name, plan slug, months, days until term end, auto-renewal, status,
# cancelled at term end, e-mails of plain users with access
PRODUCTS = [
    ("Hostelería Sol S.L.", "hosteleriasol.es", "web-business", 12, 95, True, "active", False, []),
    (
        "Hostelería Sol S.L.",
        "Correo Hostelería Sol",
        "mail-5",
        12,
        95,
        True,
        "active",
        False,
        ["frank@demo.gestor.test"],
    ),
    (
        "Hostelería Sol S.L.",
        "Archivos compartidos",
        "storage-100",
        3,
        40,
        True,
        "active",
        False,
        ["frank@demo.gestor.test"],
    ),
    (
        "Hostelería Sol S.L.",
        "hosteleriasol.es (dominio)",
        "domain-es",
        12,
        19,
        False,
        "active",
        False,
        [],
    ),
    ("Hostelería Sol S.L.", "Copia del TPV", "backup-50", 12, 60, False, "active", True, []),
    ("Hostelería Sol S.L.", "Servidor de pruebas", "cloud-s", 1, -20, False, "expired", False, []),
    (
        "Asociación Vecinal Triana",
        "Correo de la asociación",
        "mail-free",
        12,
        200,
        True,
        "active",
        False,
        ["ana@demo.gestor.test"],
    ),
    (
        "Asociación Vecinal Triana",
        "vecinostriana.org",
        "domain-com",
        24,
        400,
        True,
        "active",
        False,
        [],
    ),
    ("Alpenblick Treuhand AG", "alpenblick.ch", "web-pro", 12, 150, True, "active", False, []),
    (
        "Alpenblick Treuhand AG",
        "Mail Alpenblick",
        "mail-25",
        12,
        150,
        True,
        "active",
        False,
        ["ana@demo.gestor.test", "elena@demo.gestor.test"],
    ),
    (
        "Alpenblick Treuhand AG",
        "Kanzlei-Ablage",
        "storage-1000",
        12,
        150,
        True,
        "active",
        False,
        ["elena@demo.gestor.test"],
    ),
    (
        "Alpenblick Treuhand AG",
        "alpenblick.ch (Domain)",
        "domain-ch",
        24,
        500,
        True,
        "active",
        False,
        [],
    ),
    ("Alpenblick Treuhand AG", "Cloud Buchhaltung", "cloud-m", 1, 12, True, "suspended", False, []),
    ("Studio Rossi", "studiorossi.ch", "web-starter", 1, 9, True, "active", False, []),
]

# What each product was ordered for (issue 10): organization, product name → domain.
DOMAINS = {
    ("Hostelería Sol S.L.", "hosteleriasol.es"): "hosteleriasol.es",
    ("Hostelería Sol S.L.", "Correo Hostelería Sol"): "hosteleriasol.es",
    ("Hostelería Sol S.L.", "hosteleriasol.es (dominio)"): "hosteleriasol.es",
    ("Asociación Vecinal Triana", "Correo de la asociación"): "vecinostriana.org",
    ("Alpenblick Treuhand AG", "alpenblick.ch"): "alpenblick.ch",
    ("Alpenblick Treuhand AG", "Mail Alpenblick"): "alpenblick.ch",
    ("Alpenblick Treuhand AG", "alpenblick.ch (Domain)"): "alpenblick.ch",
    ("Studio Rossi", "studiorossi.ch"): "studiorossi.ch",
}

# organization, product name, address, e-mails of the users with access
MAILBOXES = [
    (
        "Hostelería Sol S.L.",
        "Correo Hostelería Sol",
        "reservas@hosteleriasol.test",
        ["ana@demo.gestor.test", "frank@demo.gestor.test"],
    ),
    (
        "Hostelería Sol S.L.",
        "Correo Hostelería Sol",
        "ana@hosteleriasol.test",
        ["ana@demo.gestor.test"],
    ),
    (
        "Hostelería Sol S.L.",
        "Correo Hostelería Sol",
        "david@hosteleriasol.test",
        ["david@demo.gestor.test"],
    ),
    (
        "Asociación Vecinal Triana",
        "Correo de la asociación",
        "junta@vecinostriana.test",
        ["david@demo.gestor.test"],
    ),
    (
        "Alpenblick Treuhand AG",
        "Mail Alpenblick",
        "info@alpenblick.test",
        ["beat@demo.gestor.test", "carla@demo.gestor.test"],
    ),
    (
        "Alpenblick Treuhand AG",
        "Mail Alpenblick",
        "beat@alpenblick.test",
        ["beat@demo.gestor.test"],
    ),
    (
        "Alpenblick Treuhand AG",
        "Mail Alpenblick",
        "buchhaltung@alpenblick.test",
        ["elena@demo.gestor.test"],
    ),
]

# organization, product name, owner e-mail, file name, size in bytes
FILES = [
    (
        "Hostelería Sol S.L.",
        "Archivos compartidos",
        "ana@demo.gestor.test",
        "Carta 2026.pdf",
        2_400_000,
    ),
    (
        "Hostelería Sol S.L.",
        "Archivos compartidos",
        "ana@demo.gestor.test",
        "Fotos terraza.zip",
        184_000_000,
    ),
    (
        "Hostelería Sol S.L.",
        "Archivos compartidos",
        "david@demo.gestor.test",
        "Turnos noviembre.xlsx",
        48_000,
    ),
    (
        "Hostelería Sol S.L.",
        "Archivos compartidos",
        "frank@demo.gestor.test",
        "Inventario bodega.ods",
        96_000,
    ),
    (
        "Alpenblick Treuhand AG",
        "Kanzlei-Ablage",
        "beat@demo.gestor.test",
        "Mandate 2026.xlsx",
        1_200_000,
    ),
    (
        "Alpenblick Treuhand AG",
        "Kanzlei-Ablage",
        "elena@demo.gestor.test",
        "Bilanz Entwurf.pdf",
        3_500_000,
    ),
    (
        "Alpenblick Treuhand AG",
        "Kanzlei-Ablage",
        "carla@demo.gestor.test",
        "Vorlagen.zip",
        22_000_000,
    ),
]


def _membership(org: Organization, email: str) -> Membership:
    return Membership.objects.get(organization=org, user__email__iexact=email)


def products_demo_seed(today: date) -> None:
    catalog_ensure()
    orgs = {o.name: o for o in Organization.objects.all()}
    products: dict[tuple[str, str], ProductInstance] = {}
    for org_name, name, slug, months, days_left, auto, status, at_end, access in PRODUCTS:
        org = orgs[org_name]
        term_end = today + timedelta(days=days_left)
        term_start = term_end - timedelta(days=round(months * 30.4))
        plan = Plan.objects.select_related("offer").get(slug=slug)
        product, _ = ProductInstance.objects.update_or_create(
            organization=org,
            name=name,
            defaults={
                "plan": plan,
                "offer_kind": plan.offer.kind,
                "domain": DOMAINS.get((org_name, name), ""),
                "period_months": months,
                "term_start": term_start,
                "term_end": term_end,
                "auto_renewal": auto,
                "status": ProductStatus(status),
                "cancel_at_term_end": at_end,
            },
        )
        product.members_with_access.set([_membership(org, e) for e in access])
        products[(org_name, name)] = product
    password_hash = make_password(MAILBOX_PASSWORD)
    for org_name, product_name, address, access in MAILBOXES:
        org = orgs[org_name]
        mailbox, created = Mailbox.objects.get_or_create(
            address=address,
            defaults={"organization": org, "product": products[(org_name, product_name)]},
        )
        if created:
            mailbox.password_hash = password_hash
            mailbox.save(update_fields=["password_hash"])
        mailbox.members_with_access.set([_membership(org, e) for e in access])
    for (org_name, _product_name), product in products.items():
        if product.plan.offer.kind == "email_service":
            # Mailboxes created elsewhere (e.g. at the users' login addresses) join the service.
            Mailbox.objects.filter(organization=orgs[org_name], product__isnull=True).update(
                product=product
            )
    for org_name, product_name, owner, file_name, size in FILES:
        product = products[(org_name, product_name)]
        StoredFile.objects.update_or_create(
            product=product,
            name=file_name,
            defaults={"owner": _membership(orgs[org_name], owner), "size_bytes": size},
        )
