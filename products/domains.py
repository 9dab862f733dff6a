"""Domain name syntax (issue 10): what a typed domain name is, in the form Gestor
stores (ASCII, punycode for internationalized names, lower case) and the form it
shows (Unicode).

``domain_ascii`` refuses a malformed name with one clear, translated reason per
fault, in the order a person would fix them. Internationalized names (IDN) follow
UTS #46 (as browsers do): ``Bücher.CH`` is ``xn--bcher-kva.ch``, full-width
letters and dots are mapped, ``ß`` stays ``ß`` (non-transitional, as registries
of .de and .ch do).

No model here, so ``products.models`` can show a stored name in Unicode.
"""

from __future__ import annotations

import idna
from django.utils.translation import gettext as _
from idna.idnadata import codepoint_classes
from idna.intranges import intranges_contain

from core.errors import BusinessError
from core.text import text_refusal

# RFC 1035: at most 253 characters written without the final dot, 63 per label.
DOMAIN_MAX_LENGTH = 253
LABEL_MAX_LENGTH = 63
# What is typed is refused beyond this before any IDN work (a Unicode name is at
# most about as long as its ASCII form; mapped-away characters are rare).
_TYPED_MAX_LENGTH = 4 * DOMAIN_MAX_LENGTH

_IDN_ERRORS = (idna.IDNAError, UnicodeError, ValueError)


def _character_refusal(char: str, field: str) -> BusinessError:
    code_point = f"U+{ord(char):04X}"
    if char.isspace():
        return BusinessError(
            _("A domain name cannot contain spaces."), code="invalid_characters", field=field
        )
    if not char.isprintable():
        return BusinessError(
            _("The domain name contains an invisible character (%(code)s), which is not allowed.")
            % {"code": code_point},
            code="invalid_characters",
            field=field,
        )
    return BusinessError(
        _(
            "The character “%(char)s” (%(code)s) cannot be part of a domain name: use "
            "letters, digits and hyphens, with dots between the parts."
        )
        % {"char": char, "code": code_point},
        code="invalid_characters",
        field=field,
    )


def _first_refused_character(text: str) -> str | None:
    """The first character that UTS #46 or IDNA 2008 refuses wherever it stands
    (characters allowed only in some contexts are judged with their label)."""
    for char in text:
        if char == ".":
            continue
        if char.isascii():
            if not (char.isalnum() or char == "-"):
                return char
            continue
        try:
            mapped = idna.uts46_remap(char, std3_rules=True, transitional=False)
        except _IDN_ERRORS:
            return char
        if any(not c.isascii() and not _idna_allowed(c) for c in mapped):
            return char
    return None


def _idna_allowed(char: str) -> bool:
    return any(
        intranges_contain(ord(char), codepoint_classes[kind])
        for kind in ("PVALID", "CONTEXTJ", "CONTEXTO")
    )


def _too_long(field: str) -> BusinessError:
    return BusinessError(
        _(
            "A domain name can have at most %(n)d characters (counted in its "
            "internationalized form, which starts with xn-- for names with accents)."
        )
        % {"n": DOMAIN_MAX_LENGTH},
        code="too_long",
        field=field,
    )


def _label_ascii(label: str, field: str) -> str:
    """One mapped label in ASCII, or the reason it is not a label."""
    if label.startswith("-") or label.endswith("-"):
        raise BusinessError(
            _("A part of a domain name cannot begin or end with a hyphen (“%(label)s”).")
            % {"label": label},
            code="hyphen",
            field=field,
        )
    if label.isascii() and not label.startswith("xn--"):
        if len(label) > LABEL_MAX_LENGTH:
            raise _label_too_long(label, field)
        if label[2:4] == "--":
            raise BusinessError(
                _(
                    "The part “%(label)s” has hyphens in its third and fourth places, which "
                    "are kept for internationalized names (xn--)."
                )
                % {"label": label},
                code="hyphen",
                field=field,
            )
        return label
    if label.startswith("xn--"):
        # Typed already encoded: it must be the exact encoding of a valid name.
        try:
            unicode_label = idna.ulabel(label)
            encoded = idna.alabel(unicode_label).decode("ascii")
        except _IDN_ERRORS:
            encoded = ""
        if encoded != label:
            raise BusinessError(
                _("“%(label)s” is not a valid encoded (xn--) part of a domain name.")
                % {"label": label},
                code="invalid_idn",
                field=field,
            )
        return label
    try:
        punycode = "xn--" + label.encode("punycode").decode("ascii")
    except UnicodeError:
        punycode = ""
    if len(punycode) > LABEL_MAX_LENGTH:
        raise _label_too_long(label, field)
    try:
        return idna.alabel(label).decode("ascii")
    except _IDN_ERRORS:
        refused = _first_refused_character(label) or next(
            (char for char in label if not char.isprintable()), None
        )
        if refused is not None:
            raise _character_refusal(refused, field) from None
        raise BusinessError(
            _(
                "“%(label)s” is not a valid internationalized part of a domain name: some of "
                "its characters cannot be combined (e.g. scripts mixed or written in "
                "opposite directions)."
            )
            % {"label": label},
            code="invalid_idn",
            field=field,
        ) from None


def _label_too_long(label: str, field: str) -> BusinessError:
    return BusinessError(
        _(
            "Each part of a domain name (between dots) can have at most %(n)d characters "
            "(counted in its internationalized form): “%(label)s” is too long."
        )
        % {"n": LABEL_MAX_LENGTH, "label": label[:LABEL_MAX_LENGTH] + "…"},
        code="label_too_long",
        field=field,
    )


def domain_ascii(raw: str, *, field: str = "domain") -> str:
    """The domain name typed in ``raw`` in its stored form (ASCII, lower case,
    without a final dot), or a ``BusinessError`` on ``field`` saying what is wrong:
    ``invalid_text``, ``required``, ``too_long``, ``invalid_characters``,
    ``empty_label``, ``single_label``, ``hyphen``, ``label_too_long``,
    ``invalid_idn`` or ``numeric_tld``."""
    refusal = text_refusal(raw)
    if refusal is not None:
        raise BusinessError(refusal, code="invalid_text", field=field)
    typed = raw.strip()
    if not typed:
        raise BusinessError(_("Enter a domain name."), code="required", field=field)
    if len(typed) > _TYPED_MAX_LENGTH:
        raise _too_long(field)
    try:
        mapped = idna.uts46_remap(typed, std3_rules=True, transitional=False)
    except _IDN_ERRORS:
        refused = _first_refused_character(typed)
        raise _character_refusal(refused or typed[0], field) from None
    if mapped.endswith(".") and not mapped.endswith(".."):
        mapped = mapped[:-1]  # the root's dot (example.com.) names the same domain
    labels = mapped.split(".")
    if "" in labels:
        raise BusinessError(
            _("A domain name cannot begin or end with a dot, nor have two dots in a row."),
            code="empty_label",
            field=field,
        )
    if len(labels) == 1:
        raise BusinessError(
            _("Enter the whole domain name with its extension, e.g. example.com."),
            code="single_label",
            field=field,
        )
    ascii_labels = [_label_ascii(label, field) for label in labels]
    if ascii_labels[-1].isdigit():
        raise BusinessError(
            _(
                "The extension (the last part, “%(tld)s”) cannot be only digits: an IP "
                "address is not a domain name."
            )
            % {"tld": ascii_labels[-1]},
            code="numeric_tld",
            field=field,
        )
    domain = ".".join(ascii_labels)
    if len(domain) > DOMAIN_MAX_LENGTH:
        raise _too_long(field)
    return domain


def domain_unicode(domain: str) -> str:
    """A stored (ASCII) domain name as people read it: ``xn--bcher-kva.ch`` →
    ``bücher.ch``. A name that cannot be decoded is shown as stored."""
    if "xn--" not in domain:
        return domain
    try:
        return str(idna.decode(domain))
    except _IDN_ERRORS:
        return domain


def domain_search_ascii(term: str) -> str:
    """What a typed search for a domain (or a piece of one, e.g. ``bücher``) is in
    the stored form, for searching stored domains; "" when it has nothing to
    encode or cannot be encoded."""
    if term.isascii() or len(term) > _TYPED_MAX_LENGTH or text_refusal(term) is not None:
        return ""
    try:
        mapped = idna.uts46_remap(term.strip(), std3_rules=True, transitional=False)
        return ".".join(
            label if label.isascii() else idna.alabel(label).decode("ascii")
            for label in mapped.split(".")
        )
    except _IDN_ERRORS:
        return ""
