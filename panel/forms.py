"""Forms of the panel's flow pages."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from billing.models import PaymentMethod
from core.forms import MoneyField, MoneyInput
from core.money import Money, money_format
from core.text import CleanTextForm
from flows.member_removal import MemberDataDecisions
from orgs.models import Membership
from wallet.forms import MethodField


class _RemovalForm(CleanTextForm):
    """O6: the confirmation box and, when the member owns files in the
    organization's file storage, what becomes of them."""

    def __init__(
        self, *args: Any, files: int = 0, heirs: list[Membership] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if files:
            self.fields["files"] = forms.ChoiceField(
                label=ngettext(
                    "What becomes of the %(count)d file they own in the file storage?",
                    "What becomes of the %(count)d files they own in the file storage?",
                    files,
                )
                % {"count": files},
                widget=forms.RadioSelect,
                choices=[
                    *(
                        (
                            f"to:{heir.pk}",
                            ngettext("Give it to %(name)s", "Give them to %(name)s", files)
                            % {"name": heir.user.display_name},
                        )
                        for heir in heirs or []
                    ),
                    ("delete", ngettext("Delete it", "Delete them", files)),
                ],
            )
            self.order_fields(["files", "confirm"])

    def decisions(self) -> MemberDataDecisions | None:
        choice = self.cleaned_data.get("files") or ""
        if choice.startswith("to:"):
            return MemberDataDecisions(transfer_files_to=int(choice[3:]))
        if choice == "delete":
            return MemberDataDecisions(transfer_files_to=None)
        return None  # no files when the page was shown: nothing is lost either way


class RemovalConfirmForm(_RemovalForm):
    confirm = forms.BooleanField(
        label=_("I understand that this user loses access to the organization."),
        error_messages={"required": _("Please tick the box to confirm.")},
    )


class LeaveConfirmForm(_RemovalForm):
    confirm = forms.BooleanField(
        label=_("I understand that I lose access to this organization."),
        error_messages={"required": _("Please tick the box to confirm.")},
    )


# --- Paying payment requests (S4, P2) -------------------------------------------------


class InvoiceCheckoutForm(CleanTextForm):
    """P2: first the payment method (as the help center has it), then how much the
    prepaid account pays; the service checks amounts and details."""

    method = forms.ChoiceField(
        label=_("Payment method"),
        choices=[
            (PaymentMethod.PREPAID.value, PaymentMethod.PREPAID.label),
            (PaymentMethod.CARD.value, PaymentMethod.CARD.label),
            (PaymentMethod.BANK_TRANSFER.value, PaymentMethod.BANK_TRANSFER.label),
            (PaymentMethod.PAYPAL.value, PaymentMethod.PAYPAL.label),
        ],
        widget=forms.RadioSelect,
    )
    prepaid_amount = MoneyField(
        label=_("Use my prepaid balance"),
        required=False,
        widget=MoneyInput(attrs={"data-for-method": "card bank_transfer paypal"}),
    )
    card_number = MethodField(
        label=_("Card number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "data-for-method": "card"}
        ),
    )
    paypal_email = MethodField(
        label=_("PayPal e-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "data-for-method": "paypal"}),
    )
    # X5: generated with the form, so a double click or a resubmission pays once.
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=64, initial=lambda: uuid.uuid4().hex
    )

    def __init__(self, *args: Any, balance: Money, outstanding: Money, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        amount = self.fields["prepaid_amount"]
        if isinstance(amount, MoneyField):
            amount.currency = balance.currency
        amount.help_text = _(
            "Balance: %(balance)s. The prepaid account pays this much, the chosen method "
            "the rest. Leave it empty to pay everything by the chosen method."
        ) % {"balance": money_format(balance)}
        usable = min(balance, outstanding)
        if usable.amount > 0:
            self.fields["method"].initial = (
                PaymentMethod.PREPAID.value if usable == outstanding else PaymentMethod.CARD.value
            )
            amount.initial = usable.amount
        else:
            self.fields["method"].initial = PaymentMethod.CARD.value
