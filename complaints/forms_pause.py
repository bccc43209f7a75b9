"""Input for 中止计时 (no saving here: complaints.views_pause calls the service)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import ComplaintPause


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for pausing (shown to the complainant)"),
        choices=ComplaintPause.Reason.choices,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label=_("What the unit is waiting for (case file only)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
