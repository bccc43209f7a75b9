from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from units.models import AssessmentGroup, Supervisor
from units.widgets import UnitSelectMultiple


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


class SupervisorForm(forms.Form):
    """A roster entry: who, which kind of supervisor, the term and the units watched."""

    name = forms.CharField(label=_("Name"), max_length=64)
    category = forms.ChoiceField(label=_("Supervisor category"), choices=())
    standing = forms.ChoiceField(label=_("Deputy or member"), choices=())
    workplace = forms.CharField(label=_("Work unit and position"), max_length=128, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)
    term_start = forms.DateField(
        label=_("Term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(
        label=_("Term ends"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day of the term. To end a term early, set it to yesterday."),
    )
    units = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Units watched"), widget=UnitSelectMultiple
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = Supervisor.Category.choices  # type: ignore[attr-defined]
        self.fields["standing"].choices = Supervisor.Standing.choices  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class SupervisorAppointForm(SupervisorForm):
    username = forms.CharField(label=_("User name for signing in"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Give it to the supervisor in person; they sign in with it."),
    )
