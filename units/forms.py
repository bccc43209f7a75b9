from django import forms
from django.utils.translation import gettext_lazy as _

from units.models import AssessmentGroup


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("单位名称或编码"), required=False, max_length=64)
    group = forms.ModelChoiceField(
        label=_("考核组别"),
        queryset=AssessmentGroup.objects.all(),
        required=False,
        empty_label=_("全部组别"),
    )
