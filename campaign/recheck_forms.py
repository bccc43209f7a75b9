"""Forms of the re-check pages (整改回头看): input validation only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import Recheck
from units.widgets import UnitSelectMultiple


class RecheckOpenForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Re-check scope"), choices=Recheck.Scope.choices, widget=forms.RadioSelect
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Units re-checked"),
        queryset=None,
        required=False,
        widget=UnitSelectMultiple(attrs={"size": 8}),
        help_text=_("For “closed items of chosen units”."),
    )
    sample_size = forms.IntegerField(
        label=_("Sample size"),
        required=False,
        help_text=_("For a random sample: how many closed items to draw."),
    )
    seed = forms.CharField(
        label=_("Random seed"),
        required=False,
        max_length=64,
        help_text=_("Leave empty for a new one; the same seed draws the same items again."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class RecheckConfirmForm(forms.Form):
    note = forms.CharField(label=_("Re-check record"), widget=forms.Textarea(attrs={"rows": 2}))


class RecheckRelapseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it has relapsed"), widget=forms.Textarea(attrs={"rows": 2})
    )
    working_days = forms.IntegerField(
        label=_("Working days to rectify"), min_value=1, max_value=250, initial=10
    )
