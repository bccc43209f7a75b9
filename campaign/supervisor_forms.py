"""Forms of the supervisors' 察访 reports (input validation only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.forms import DATE, CategoryField
from campaign.models import Campaign, Finding, SupervisorReport


class SupervisorReportForm(forms.Form):
    date = forms.DateField(label=_("Date of the visit"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    observation = forms.CharField(
        label=_("What was seen"), widget=forms.Textarea(attrs={"rows": 5})
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=SupervisorReport.Verdict.choices, widget=forms.RadioSelect
    )


class ReportConvertForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), label=_("Campaign"))
    category = CategoryField()
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices)
    description = forms.CharField(
        label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE)

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class ReportConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("Officer's note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportDismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for dismissing"), widget=forms.Textarea(attrs={"rows": 2})
    )
