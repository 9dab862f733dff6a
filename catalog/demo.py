"""The catalog every fresh database starts with (S1, P5): offers, plans,
prices in CHF and EUR (set separately, not converted), monthly minimums and the
VAT rules. Loaded by a data migration, so a plain ``migrate`` gives a usable
catalog; support agents change all of it in the back office.

``catalog_seed`` takes an app registry (the migration's historical one, or
``django.apps.apps``) and is idempotent: rows are found again by identifier.
"""

from datetime import date
from decimal import Decimal
from typing import Any

LANGUAGES = ("en", "es", "fr", "de", "it")


def _t(en: str, es: str, fr: str, de: str, it: str) -> dict[str, str]:
    """One text in each language (X1): catalog data is translated like the pages."""
    return dict(zip(LANGUAGES, (en, es, fr, de, it), strict=True))


def _same(text: str) -> dict[str, str]:
    return _t(text, text, text, text, text)


# kind, slug, name, description, free
OFFERS = [
    (
        "web_hosting",
        "web-hosting",
        _t("Web hosting", "Alojamiento web", "Hébergement web", "Webhosting", "Hosting web"),
        _t(
            "Websites with PHP, databases and SSL.",
            "Sitios web con PHP, bases de datos y SSL.",
            "Sites web avec PHP, bases de données et SSL.",
            "Websites mit PHP, Datenbanken und SSL.",
            "Siti web con PHP, database e SSL.",
        ),
        False,
    ),
    (
        "email_service",
        "email",
        _t(
            "E-mail service",
            "Servicio de correo",
            "Service de messagerie",
            "E-Mail-Dienst",
            "Servizio e-mail",
        ),
        _t(
            "Professional mailboxes at your domain.",
            "Buzones profesionales con su propio dominio.",
            "Des boîtes aux lettres professionnelles à votre nom de domaine.",
            "Professionelle Postfächer unter Ihrer eigenen Domain.",
            "Caselle di posta professionali con il proprio dominio.",
        ),
        False,
    ),
    (
        "email_service",
        "email-free",
        _t(
            "E-mail Free",
            "Correo gratuito",
            "Messagerie gratuite",
            "E-Mail gratis",
            "E-mail gratuita",
        ),
        _t(
            "One small mailbox, free of charge.",
            "Un buzón pequeño, sin coste.",
            "Une petite boîte aux lettres, sans frais.",
            "Ein kleines Postfach, kostenlos.",
            "Una piccola casella di posta, senza costi.",
        ),
        True,
    ),
    (
        "file_storage",
        "storage",
        _t(
            "File storage",
            "Almacenamiento de archivos",
            "Stockage de fichiers",
            "Dateispeicher",
            "Archiviazione file",
        ),
        _t(
            "Share and sync files in your team.",
            "Archivos compartidos y sincronizados en todo el equipo.",
            "Des fichiers partagés et synchronisés au sein de l'équipe.",
            "Dateien im Team teilen und synchronisieren.",
            "File condivisi e sincronizzati in tutto il team.",
        ),
        False,
    ),
    (
        "file_storage",
        "storage-free",
        _t(
            "File storage Free",
            "Almacenamiento gratuito",
            "Stockage gratuit",
            "Dateispeicher gratis",
            "Archiviazione gratuita",
        ),
        _t(
            "A small personal space, free.",
            "Un pequeño espacio personal, gratis.",
            "Un petit espace personnel, gratuit.",
            "Ein kleiner persönlicher Speicherplatz, gratis.",
            "Un piccolo spazio personale, gratuito.",
        ),
        True,
    ),
    (
        "backup",
        "backup",
        _t("Backup", "Copias de seguridad", "Sauvegarde", "Datensicherung", "Backup"),
        _t(
            "Encrypted copies of your computers and servers.",
            "Copias cifradas de ordenadores y servidores.",
            "Des copies chiffrées de vos ordinateurs et serveurs.",
            "Verschlüsselte Kopien Ihrer Computer und Server.",
            "Copie cifrate di computer e server.",
        ),
        False,
    ),
    (
        "domain_name",
        "domain",
        _t(
            "Domain names",
            "Nombres de dominio",
            "Noms de domaine",
            "Domainnamen",
            "Nomi di dominio",
        ),
        _t(
            "Register and renew your domain names.",
            "Registro y renovación de nombres de dominio.",
            "Enregistrement et renouvellement de vos noms de domaine.",
            "Registrierung und Verlängerung Ihrer Domainnamen.",
            "Registrazione e rinnovo dei nomi di dominio.",
        ),
        False,
    ),
    (
        "cloud_server",
        "cloud",
        _t("Cloud server", "Servidor en la nube", "Serveur cloud", "Cloud-Server", "Server cloud"),
        _t(
            "Virtual servers with SSD storage.",
            "Servidores virtuales con almacenamiento SSD.",
            "Des serveurs virtuels avec stockage SSD.",
            "Virtuelle Server mit SSD-Speicher.",
            "Server virtuali con archiviazione SSD.",
        ),
        False,
    ),
]

# offer slug, plan slug, name, storage GB, mailboxes, monthly price EUR, CHF
PLANS = [
    (
        "web-hosting",
        "web-starter",
        _t("Starter 10 GB", "Inicial 10 GB", "Essentiel 10 Go", "Starter 10 GB", "Base 10 GB"),
        10,
        None,
        "4.50",
        "5.50",
    ),
    (
        "web-hosting",
        "web-business",
        _t(
            "Business 50 GB",
            "Empresa 50 GB",
            "Entreprise 50 Go",
            "Business 50 GB",
            "Business 50 GB",
        ),
        50,
        None,
        "9.90",
        "11.00",
    ),
    (
        "web-hosting",
        "web-pro",
        _t("Pro 200 GB", "Pro 200 GB", "Pro 200 Go", "Pro 200 GB", "Pro 200 GB"),
        200,
        None,
        "19.90",
        "22.00",
    ),
    (
        "email",
        "mail-5",
        _t("Mail 5", "Correo 5", "Messagerie 5", "Mail 5", "Posta 5"),
        25,
        5,
        "6.00",
        "7.00",
    ),
    (
        "email",
        "mail-25",
        _t("Mail 25", "Correo 25", "Messagerie 25", "Mail 25", "Posta 25"),
        125,
        25,
        "24.00",
        "27.00",
    ),
    (
        "email-free",
        "mail-free",
        _t("Mail Free", "Correo gratuito", "Messagerie gratuite", "Mail gratis", "Posta gratuita"),
        1,
        1,
        "0.00",
        "0.00",
    ),
    (
        "storage",
        "storage-100",
        _t(
            "Storage 100 GB",
            "Almacenamiento 100 GB",
            "Stockage 100 Go",
            "Speicher 100 GB",
            "Archiviazione 100 GB",
        ),
        100,
        None,
        "5.00",
        "6.00",
    ),
    (
        "storage",
        "storage-1000",
        _t(
            "Storage 1 TB",
            "Almacenamiento 1 TB",
            "Stockage 1 To",
            "Speicher 1 TB",
            "Archiviazione 1 TB",
        ),
        1000,
        None,
        "15.00",
        "17.00",
    ),
    (
        "storage-free",
        "storage-free",
        _t(
            "Storage Free 5 GB",
            "Almacenamiento gratuito 5 GB",
            "Stockage gratuit 5 Go",
            "Speicher gratis 5 GB",
            "Archiviazione gratuita 5 GB",
        ),
        5,
        None,
        "0.00",
        "0.00",
    ),
    (
        "backup",
        "backup-50",
        _t(
            "Backup 50 GB",
            "Copia 50 GB",
            "Sauvegarde 50 Go",
            "Datensicherung 50 GB",
            "Backup 50 GB",
        ),
        50,
        None,
        "3.00",
        "3.50",
    ),
    (
        "backup",
        "backup-500",
        _t(
            "Backup 500 GB",
            "Copia 500 GB",
            "Sauvegarde 500 Go",
            "Datensicherung 500 GB",
            "Backup 500 GB",
        ),
        500,
        None,
        "12.00",
        "14.00",
    ),
    (
        "cloud",
        "cloud-s",
        _t(
            "Cloud S (2 vCPU, 4 GB RAM)",
            "Cloud S (2 vCPU, 4 GB de RAM)",
            "Cloud S (2 vCPU, 4 Go de RAM)",
            "Cloud S (2 vCPU, 4 GB RAM)",
            "Cloud S (2 vCPU, 4 GB di RAM)",
        ),
        40,
        None,
        "12.00",
        "14.00",
    ),
    (
        "cloud",
        "cloud-m",
        _t(
            "Cloud M (4 vCPU, 8 GB RAM)",
            "Cloud M (4 vCPU, 8 GB de RAM)",
            "Cloud M (4 vCPU, 8 Go de RAM)",
            "Cloud M (4 vCPU, 8 GB RAM)",
            "Cloud M (4 vCPU, 8 GB di RAM)",
        ),
        80,
        None,
        "24.00",
        "27.00",
    ),
    (
        "cloud",
        "cloud-l",
        _t(
            "Cloud L (8 vCPU, 16 GB RAM)",
            "Cloud L (8 vCPU, 16 GB de RAM)",
            "Cloud L (8 vCPU, 16 Go de RAM)",
            "Cloud L (8 vCPU, 16 GB RAM)",
            "Cloud L (8 vCPU, 16 GB di RAM)",
        ),
        160,
        None,
        "48.00",
        "54.00",
    ),
]

# Domain names are sold by the year, one plan per extension (its slug ends with
# it): plan slug, name, yearly EUR, CHF.
DOMAINS = [
    ("domain-ch", _same(".ch"), "12.00", "13.00"),
    ("domain-com", _same(".com"), "15.00", "16.00"),
    ("domain-es", _same(".es"), "10.00", "12.00"),
]


def _mailboxes(count: int, gb: int) -> dict[str, str]:
    if count == 1:
        return _t(
            f"1 mailbox with {gb} GB.",
            f"1 buzón de {gb} GB.",
            f"1 boîte aux lettres de {gb} Go.",
            f"1 Postfach mit {gb} GB.",
            f"1 casella di posta da {gb} GB.",
        )
    return _t(
        f"{count} mailboxes with {gb} GB each.",
        f"{count} buzones de {gb} GB cada uno.",
        f"{count} boîtes aux lettres de {gb} Go chacune.",
        f"{count} Postfächer mit je {gb} GB.",
        f"{count} caselle di posta da {gb} GB ciascuna.",
    )


def _team_space(size: str, size_fr: str, *, plural: bool = True) -> dict[str, str]:
    es, fr, it = (
        ("compartidos", "partagés", "condivisi")
        if plural
        else ("compartido", "partagé", "condiviso")
    )
    return _t(
        f"{size} shared by the whole team.",
        f"{size} {es} por todo el equipo.",
        f"{size_fr} {fr} par toute l'équipe.",
        f"{size} für das ganze Team.",
        f"{size} {it} da tutto il team.",
    )


def _backup(gb: int) -> dict[str, str]:
    return _t(
        f"Up to {gb} GB of encrypted copies.",
        f"Hasta {gb} GB de copias cifradas.",
        f"Jusqu'à {gb} Go de copies chiffrées.",
        f"Bis zu {gb} GB verschlüsselte Kopien.",
        f"Fino a {gb} GB di copie cifrate.",
    )


def _server(cpus: int, ram: int, ssd: int) -> dict[str, str]:
    return _t(
        f"{cpus} virtual CPUs, {ram} GB of memory, {ssd} GB SSD.",
        f"{cpus} CPU virtuales, {ram} GB de memoria, {ssd} GB SSD.",
        f"{cpus} processeurs virtuels, {ram} Go de mémoire, {ssd} Go SSD.",
        f"{cpus} virtuelle CPUs, {ram} GB Arbeitsspeicher, {ssd} GB SSD.",
        f"{cpus} CPU virtuali, {ram} GB di memoria, {ssd} GB SSD.",
    )


# plan slug: description
PLAN_DESCRIPTIONS = {
    "web-starter": _t(
        "For a first website or a blog.",
        "Para una primera web o un blog.",
        "Pour un premier site ou un blog.",
        "Für eine erste Website oder einen Blog.",
        "Per un primo sito o un blog.",
    ),
    "web-business": _t(
        "For company websites and online shops.",
        "Para webs de empresa y tiendas en línea.",
        "Pour les sites d'entreprise et les boutiques en ligne.",
        "Für Firmenwebsites und Onlineshops.",
        "Per siti aziendali e negozi online.",
    ),
    "web-pro": _t(
        "For busy websites and several projects.",
        "Para webs con mucho tráfico y varios proyectos.",
        "Pour les sites très fréquentés et plusieurs projets.",
        "Für stark besuchte Websites und mehrere Projekte.",
        "Per siti molto visitati e più progetti.",
    ),
    "mail-5": _mailboxes(5, 5),
    "mail-25": _mailboxes(25, 5),
    "mail-free": _mailboxes(1, 1),
    "storage-100": _team_space("100 GB", "100 Go"),
    "storage-1000": _team_space("1 TB", "1 To", plural=False),
    "storage-free": _t(
        "5 GB for one person.",
        "5 GB para una persona.",
        "5 Go pour une personne.",
        "5 GB für eine Person.",
        "5 GB per una persona.",
    ),
    "backup-50": _backup(50),
    "backup-500": _backup(500),
    "cloud-s": _server(2, 4, 40),
    "cloud-m": _server(4, 8, 80),
    "cloud-l": _server(8, 16, 160),
    "domain-ch": _t(
        "The domain of Switzerland.",
        "El dominio de Suiza.",
        "Le domaine de la Suisse.",
        "Die Domain der Schweiz.",
        "Il dominio della Svizzera.",
    ),
    "domain-com": _t(
        "The international domain for businesses.",
        "El dominio internacional para empresas.",
        "Le domaine international des entreprises.",
        "Die internationale Domain für Unternehmen.",
        "Il dominio internazionale per le aziende.",
    ),
    "domain-es": _t(
        "The domain of Spain.",
        "El dominio de España.",
        "Le domaine de l'Espagne.",
        "Die Domain Spaniens.",
        "Il dominio della Spagna.",
    ),
}


# The mention of the default VAT rule (no Swiss VAT), as catalog/queries.py words it.
EXPORT_MENTION = _t(
    "Export of services: not subject to Swiss VAT.",
    "Exportación de servicios: no sujeta al IVA suizo.",
    "Exportation de services : non soumise à la TVA suisse.",
    "Dienstleistungsexport: nicht der Schweizer MWST unterstellt.",
    "Esportazione di servizi: non soggetta all'IVA svizzera.",
)


def per_language(field: str, texts: dict[str, str]) -> dict[str, str]:
    """``{"name_en": …, "name_es": …}``: the columns of a translated field.

    The seed writes the language columns only, never ``name`` itself: on the
    registered model that attribute means "the current language".
    """
    return {f"{field}_{language}": text for language, text in texts.items()}


CENT = Decimal("0.01")
TEN_CENTS = Decimal("0.1")


def _periodic(monthly: Decimal) -> dict[int, Decimal]:
    """1, 3 and 12 months; longer terms cost less per month."""
    return {
        1: monthly,
        3: (monthly * 3 * Decimal("0.95")).quantize(TEN_CENTS).quantize(CENT),
        12: (monthly * 12 * Decimal("0.85")).quantize(TEN_CENTS).quantize(CENT),
    }


def catalog_seed(apps: Any) -> None:
    Offer = apps.get_model("catalog", "Offer")
    Plan = apps.get_model("catalog", "Plan")
    Price = apps.get_model("catalog", "Price")
    MonthlyMinimum = apps.get_model("catalog", "MonthlyMinimum")
    VatRate = apps.get_model("catalog", "VatRate")

    offers = {}
    for order, (kind, slug, name, description, free) in enumerate(OFFERS):
        offers[slug], _ = Offer.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kind,
                **per_language("name", name),
                **per_language("description", description),
                "is_free": free,
                "order": order,
            },
        )

    def plan_with_prices(offer, slug, name, order, gb, mailboxes, prices):
        plan, _ = Plan.objects.update_or_create(
            slug=slug,
            defaults={
                "offer": offer,
                **per_language("name", name),
                **per_language("description", PLAN_DESCRIPTIONS[slug]),
                "storage_gb": gb,
                "mailbox_count": mailboxes,
                "order": order,
            },
        )
        for (currency, months), amount in prices.items():
            Price.objects.update_or_create(
                plan=plan, currency=currency, period_months=months, defaults={"amount": amount}
            )

    for order, (offer_slug, slug, name, gb, mailboxes, eur, chf) in enumerate(PLANS):
        offer = offers[offer_slug]
        if offer.is_free:
            prices = {("EUR", 12): Decimal("0.00"), ("CHF", 12): Decimal("0.00")}
        else:
            prices = {("EUR", m): a for m, a in _periodic(Decimal(eur)).items()}
            prices |= {("CHF", m): a for m, a in _periodic(Decimal(chf)).items()}
        plan_with_prices(offer, slug, name, order, gb, mailboxes, prices)

    for order, (slug, name, eur, chf) in enumerate(DOMAINS):
        prices = {}
        for currency, yearly in (("EUR", Decimal(eur)), ("CHF", Decimal(chf))):
            prices[(currency, 12)] = yearly
            prices[(currency, 24)] = (
                (yearly * 2 * Decimal("0.95")).quantize(TEN_CENTS).quantize(CENT)
            )
        plan_with_prices(offers["domain"], slug, name, order, None, None, prices)

    catalog_domain_extensions_fill(apps)

    # P5: below these monthly prices only quarterly and yearly terms are sold.
    for currency in ("EUR", "CHF"):
        MonthlyMinimum.objects.update_or_create(
            currency=currency, defaults={"amount": Decimal("5.00")}
        )

    # S1: Swiss VAT for Switzerland and Liechtenstein, with its history.
    for country in ("CH", "LI"):
        VatRate.objects.update_or_create(
            country=country,
            valid_from=date(2018, 1, 1),
            defaults={"rate": Decimal("7.70"), "valid_until": date(2023, 12, 31)},
        )
        VatRate.objects.update_or_create(
            country=country,
            valid_from=date(2024, 1, 1),
            defaults={"rate": Decimal("8.10"), "valid_until": None},
        )
    VatRate.objects.update_or_create(
        country="",
        valid_from=date(2018, 1, 1),
        defaults={
            "rate": Decimal("0.00"),
            "valid_until": None,
            **per_language("mention", EXPORT_MENTION),
        },
    )


def catalog_domain_extensions_fill(apps: Any) -> None:
    """Issue 10: the seed's domain name plans say which extension they register
    (once the field exists: an older migration loads the seed without it)."""
    Plan = apps.get_model("catalog", "Plan")
    if not any(field.name == "domain_extension" for field in Plan._meta.get_fields()):
        return
    for slug, *_rest in DOMAINS:
        Plan.objects.filter(slug=slug, domain_extension="").update(
            domain_extension=slug.removeprefix("domain-")
        )


def catalog_translations_fill(apps: Any) -> None:
    """Give catalog rows that still carry a seed text in English its other languages.

    For databases whose catalog was loaded in English only: a text a support
    agent has changed is left alone (its English stays, the others fall back).
    """
    Offer = apps.get_model("catalog", "Offer")
    Plan = apps.get_model("catalog", "Plan")
    VatRate = apps.get_model("catalog", "VatRate")
    texts: list[tuple[Any, dict[str, Any], str, dict[str, str]]] = []
    for _kind, slug, name, description, _free in OFFERS:
        texts += [(Offer, {"slug": slug}, "name", name)]
        texts += [(Offer, {"slug": slug}, "description", description)]
    for _offer, slug, name, *_rest in PLANS:
        texts += [(Plan, {"slug": slug}, "name", name)]
    for slug, name, *_prices in DOMAINS:
        texts += [(Plan, {"slug": slug}, "name", name)]
    texts += [(VatRate, {"country": ""}, "mention", EXPORT_MENTION)]
    # Plans had no description: one with none in any language gets the seed's.
    for slug, description in PLAN_DESCRIPTIONS.items():
        columns = per_language("description", description)
        for row in Plan.objects.filter(slug=slug):
            if not any(getattr(row, column) for column in columns):
                for column, text in columns.items():
                    setattr(row, column, text)
                row.save(update_fields=list(columns))
    for model, lookup, field, translations in texts:
        for row in model.objects.filter(**lookup, **{f"{field}_en": translations["en"]}):
            missing = [
                column for column in per_language(field, translations) if not getattr(row, column)
            ]
            for column in missing:
                setattr(row, column, per_language(field, translations)[column])
            if missing:
                row.save(update_fields=missing)


def catalog_ensure() -> None:
    """Load the catalog when its tables are empty (tests after a flush, a fresh demo)."""
    from django.apps import apps

    if not apps.get_model("catalog", "Offer").objects.exists():
        catalog_seed(apps)
