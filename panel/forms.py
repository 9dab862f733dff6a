"""Forms of the panel's flow pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.text import CleanTextForm
from flows.member_removal import MemberDataDecisions
from orgs.models import Membership


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
