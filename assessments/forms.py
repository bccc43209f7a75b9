"""Input validation for the assessment pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import RaterCategory, Survey
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
