from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from core.text import CleanTextForm
from orgs.models import Membership, Role
from products.services import NAME_MAX_LENGTH, CancelWhen


class RenameForm(CleanTextForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("Leave it empty to show the plan's name."),
    )


class AutoRenewalForm(CleanTextForm):
    enabled = forms.TypedChoiceField(choices=[("1", "on"), ("0", "off")], coerce=lambda v: v == "1")


class CancelForm(CleanTextForm):
    when = forms.ChoiceField(
        label=_("When should the product end?"),
        choices=[
            (CancelWhen.TERM_END.value, _("At the end of the term")),
            (CancelWhen.NOW.value, _("Now, without refund")),
        ],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("I understand what happens to this product and its data."), required=True
    )


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.display_name} ({obj.user.email})"


class AccessForm(CleanTextForm):
    members = MemberChoiceField(
        label=_("Users who can see this product"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        # Legal representatives and administrators see every product anyway.
        field.queryset = (
            Membership.objects.filter(organization_id=organization_id, role=Role.MEMBER)
            .select_related("user")
            .order_by("user__email")
        )


class MailboxPasswordForm(CleanTextForm):
    password1 = forms.CharField(
        label=_("New mailbox password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("New mailbox password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
