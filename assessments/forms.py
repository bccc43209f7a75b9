"""Input validation for the assessment pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import AdjustmentRule, AssessmentScheme, Indicator, RaterCategory, Survey
from units.resources import check_xlsx_upload


class CopySchemeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class PublishForm(forms.Form):
    public = forms.BooleanField(label=_("Also publish the rankings to the public"), required=False)


class TokenForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Rater category"), queryset=RaterCategory.objects.none()
    )
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=50_000)

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = survey.categories.all()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel file (.xlsx)."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        check_xlsx_upload(upload)
        return upload


class IndicatorChoiceForm(forms.Form):
    """Which of the scheme's indicators (to remove)."""

    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, scheme: AssessmentScheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = scheme.indicators.all()  # type: ignore[attr-defined]


class RuleChoiceForm(forms.Form):
    """Which of the scheme's adjustment rules (to remove)."""

    rule = forms.ModelChoiceField(
        label=_("Rule"), queryset=AdjustmentRule.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, scheme: AssessmentScheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = scheme.adjustment_rules.all()  # type: ignore[attr-defined]
