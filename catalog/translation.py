"""Catalog text is data in every language (X1, S1): what customers read of an
offer, a plan or a VAT rule. Registered with django-modeltranslation, which adds
one column per language (``name_es`` … ``name_it``) and makes ``name`` read the
current language, falling back to English, then Spanish (settings)."""

from modeltranslation.translator import TranslationOptions, register

from catalog.models import Offer, Plan, VatRate

# The back office asks for English and Spanish; the other languages fall back.
REQUIRED = ("en", "es")


@register(Offer)
class OfferTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {language: ("name",) for language in REQUIRED}


@register(Plan)
class PlanTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {language: ("name",) for language in REQUIRED}


@register(VatRate)
class VatRateTranslation(TranslationOptions):
    fields = ("mention",)
