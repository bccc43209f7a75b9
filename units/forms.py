from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from units.models import AssessmentGroup


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Unit name or code"), required=False, max_length=64)
    group = forms.ModelChoiceField(
        label=_("Assessment group"),
        queryset=AssessmentGroup.objects.all(),
        required=False,
        empty_label=_("All groups"),
    )


class DigestCommentForm(forms.Form):
    """The comment inspection staff review (and may rewrite) before a digest is sent."""

    comment = forms.CharField(
        label=pgettext_lazy("digest", "Comment"),
        max_length=2000,  # units.digests.COMMENT_MAX_LENGTH
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=_(
            "Drafted by the system from the figures below: check it against them, add what "
            "the figures cannot say, then send."
        ),
    )
