"""Input for 挂牌督办 by hand, the review of a second 不满意 and the 通报批评 proposal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign


class ListingForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for listing"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RatingReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Conclusion"),
        choices=[
            ("close", _("Close the case with this note")),
            ("rehandle", _("Order the unit to handle it again")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Review opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(
        label=_("New handling deadline"),
        required=False,
        help_text=_("Re-handling only; empty: the reopening's working days."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ProposalDraftForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    note = forms.CharField(
        label=_("Added to the circular"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, campaigns: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class ProposalDismissForm(forms.Form):
    note = forms.CharField(
        label=_("Why no criticism is circulated"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
