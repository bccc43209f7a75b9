from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import AssessmentGroup


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Unit name or code"), required=False, max_length=64)
    group = forms.ModelChoiceField(
        label=_("Assessment group"),
        queryset=AssessmentGroup.objects.all(),
        required=False,
        empty_label=_("All groups"),
    )
