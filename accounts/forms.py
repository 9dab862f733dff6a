from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import User, normalize_email
from core.text import CleanTextForm, CleanTextFormMixin


class SignupForm(CleanTextFormMixin, AllauthSignupForm):
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


class ProfileForm(CleanTextForm):
    """Identity section of the profile page: only these fields can change here.

    A plain form, not a ModelForm: validating a ModelForm would already write
    the values onto the user, and the service would then see no change."""

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
    )


class LanguageForm(CleanTextForm):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self) -> Any:
        return self.cleaned_data.get("next") or ""


class ApiTokenCreateForm(CleanTextForm):
    name = forms.CharField(label=_("Token name"), max_length=100, initial="API")


class EmailChangeForm(CleanTextForm):
    """A3/A4: the new address and the account password. The rules (differs from
    the other address, not another account's login) are the service's."""

    new_email = forms.EmailField(
        label=_("New address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(CleanTextForm):
    """A5 (ASVS 6.2): current password, then a new one. At least 8 characters,
    15 or more recommended, no upper limit that matters (1,000 here only to
    bound the hashing work), no composition rules, common passwords refused."""

    KEEP, SAME = "keep", "same"

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=1000,
        help_text=_(
            "At least 8 characters; we recommend 15 or more. A few random words make a good, "
            "long password. Any characters are allowed."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "minlength": 8}),
    )
    mailbox = forms.ChoiceField(
        label=_("Your mailbox at the same address"),
        choices=[
            (KEEP, _("Keep the mailbox password as it is")),
            (SAME, _("Also use this password for the mailbox")),
        ],
        initial=KEEP,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, user: User, has_mailbox: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not has_mailbox:
            del self.fields["mailbox"]

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.user)
        return password

    @property
    def align_mailbox(self) -> bool:
        return self.cleaned_data.get("mailbox") == self.SAME


class AvatarForm(CleanTextForm):
    avatar = forms.FileField(
        label=_("Picture"),
        help_text=_("PNG, JPEG or WebP, at most 2 MB. It is cropped to a square."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
