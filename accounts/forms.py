from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User, normalize_email


class SignupForm(AllauthSignupForm):
    """Sign-up (A1): name, login e-mail and password."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    field_order = ["name", "email", "password1", "password2"]

    def clean_email(self) -> str:
        email = normalize_email(super().clean_email())
        # allauth would hide the duplicate (enumeration protection) and mail the
        # owner instead; Gestor says it plainly on sign-up, which is rate-limited,
        # and keeps the protection on password reset. See docs/decisions/0002.
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "An account with this e-mail address already exists. Log in, or reset its password."
                ),
                code="email_taken",
            )
        return email


class ProfileForm(forms.ModelForm):
    """Identity section of the profile page: only these fields can change here."""

    class Meta:
        model = User
        fields = ["name", "language"]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self) -> Any:
        return self.cleaned_data.get("next") or ""


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, initial="API")
