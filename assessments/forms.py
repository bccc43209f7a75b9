"""Input validation for the assessment pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    AdjustmentRule,
    AssessmentScheme,
    EvaluationAssignment,
    Indicator,
    RaterCategory,
    Survey,
)
from units.excel.forms import FILE_LABEL, SpreadsheetInput, clean_spreadsheet
from units.models import AssessmentGroup, Unit
from units.widgets import UnitSelect


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
    file = forms.FileField(label=FILE_LABEL, widget=SpreadsheetInput())

    def clean_file(self):
        # .xlsx, .xls, .ods or CSV: the one reader (units.excel.reader) takes them all.
        return clean_spreadsheet(self.cleaned_data["file"], max_bytes=5 * 1024 * 1024)


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


# --- Evaluation assignments (考评分工) ------------------------------------------------------


class _EvaluatorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class _UnitChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class AssignmentFilterForm(forms.Form):
    """Which units the assignment form lists (GET): a group, a unit's subtree, a name."""

    group = forms.ModelChoiceField(
        label=_("Assessment group"),
        queryset=AssessmentGroup.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    under = forms.ModelChoiceField(
        label=_("Unit and its subordinate units"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=UnitSelect,
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=64)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = AssessmentGroup.objects.filter(  # type: ignore[attr-defined]
            pk__in=units.values("group_id")
        ).order_by("sort_order", "name")
        self.fields["under"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            pk__in=units.values("pk"), numchild__gt=0
        ).order_by("path")

    def apply(self, units: QuerySet[Unit]) -> QuerySet[Unit]:
        if not self.is_valid():
            return units
        data = self.cleaned_data
        if data["group"]:
            units = units.filter(group=data["group"])
        if data["under"]:
            units = units.filter(path__startswith=data["under"].path)
        if data["q"]:
            units = units.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
        return units


class AssignmentForm(forms.Form):
    """Evaluators × units (× indicators): every combination is assigned in one submission.

    Units come one by one, by assessment group or as a unit with its subordinate units, all
    within the officer's jurisdiction; no indicator chosen means every indicator.
    """

    evaluators = _EvaluatorChoice(
        label=_("Evaluators"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one evaluator."),
            "invalid_choice": _("The chosen account is not an active evaluator."),
        },
    )
    units = _UnitChoice(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "A chosen unit cannot be assigned: it is outside your jurisdiction or not "
                "assessed in this scheme."
            )
        },
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Every unit of these assessment groups"),
        queryset=AssessmentGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subtree = forms.ModelChoiceField(
        label=_("A unit with all its subordinate units"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("(none)"),
        widget=UnitSelect(attrs={"class": "form-select form-select-sm"}),
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to have every indicator scored."),
    )
    deadline = forms.DateField(
        label=_("Scoring deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self,
        *args: Any,
        scheme: AssessmentScheme,
        units: QuerySet[Unit],
        evaluators: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.assignable = units
        self.fields["evaluators"].queryset = evaluators  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["groups"].queryset = AssessmentGroup.objects.filter(  # type: ignore[attr-defined]
            pk__in=units.values("group_id")
        ).order_by("sort_order", "name")
        self.fields["subtree"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            pk__in=units.values("pk"), numchild__gt=0
        ).order_by("path")
        self.fields["indicators"].queryset = scheme.indicators.order_by(  # type: ignore[attr-defined]
            "component", "sort_order"
        )
        for name in ("evaluators", "groups", "indicators"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("The scoring deadline cannot be in the past."))
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = Q(pk__in=[u.pk for u in data.get("units") or []])
        if data.get("groups"):
            chosen |= Q(group__in=data["groups"])
        if data.get("subtree"):
            chosen |= Q(path__startswith=data["subtree"].path)
        picked = list(self.assignable.filter(chosen)) if chosen else []
        if not picked and not self.has_error("units"):
            raise forms.ValidationError(
                _(
                    "Choose at least one unit: tick units, an assessment group or a unit with "
                    "its subordinate units."
                )
            )
        data["picked_units"] = picked
        return data


class AssignmentRemoveForm(forms.Form):
    assignments = forms.ModelMultipleChoiceField(
        label=_("Assignments"),
        queryset=EvaluationAssignment.objects.none(),
        error_messages={"required": _("Choose the assignments to remove.")},
    )

    def __init__(self, *args: Any, assignments: QuerySet[EvaluationAssignment], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignments"].queryset = assignments  # type: ignore[attr-defined]


class TalkRecordForm(forms.Form):
    """The record of a 约谈提醒 (the service checks the date against the publication)."""

    talk_date = forms.DateField(
        label=_("Date of the talk"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    attendees = forms.CharField(label=_("Who attended"), widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 5}))
    commitments = forms.CharField(
        label=_("Commitments of the unit"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_talk_date(self) -> Any:
        day = self.cleaned_data["talk_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The talk cannot be recorded before the day it is held."))
        return day
