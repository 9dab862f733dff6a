"""O5: what a change of country means for the money the organization holds.

The country decides the currency of the next invoices. What is already held in
the former currency (the prepaid balance) belongs to apps above ``orgs``; they
register a function here, and the organization's edit form asks them, before
saving, what to tell. ``orgs`` imports none of them (layers run one way).
"""

from __future__ import annotations

from collections.abc import Callable

from orgs.models import Currency, Organization

# (organization, currency of the next invoices) -> sentences for the edit form.
CurrencyChangeNotes = Callable[[Organization, str], list[str]]

_registered: list[CurrencyChangeNotes] = []


def currency_change_notes_register(notes: CurrencyChangeNotes) -> CurrencyChangeNotes:
    if notes not in _registered:
        _registered.append(notes)
    return notes


def currency_change_notes(organization: Organization, *, currency_next: str) -> list[str]:
    """What becomes of what is held, if the currency became ``currency_next``."""
    if currency_next == organization.currency.value:
        return []
    return [note for notes in _registered for note in notes(organization, currency_next)]


def currency_change_notes_by_currency(organization: Organization) -> dict[str, list[str]]:
    """For each currency the organization could move to, what the form should say."""
    return {
        currency.value: currency_change_notes(organization, currency_next=currency.value)
        for currency in Currency
        if currency != organization.currency
    }
