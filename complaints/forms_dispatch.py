"""Input validation for 交办 with 协办 units, the parts' answers, 派单异议 and the 派单目录."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints import conf
from complaints.forms import AssignForm
from complaints.models import ComplaintCategory
from complaints.services.cohandling import PartInput
from units.models import Unit
from units.widgets import UnitSelect

# How many co-handling units the assignment form offers at once (more: add them later).
COHANDLER_ROWS = 3


class DispatchForm(AssignForm):
    """交办: the lead unit (主办), its deadline, and up to three co-handling units (协办)."""

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, units=units, **kwargs)
        self.fields["unit"].label = _("Lead unit")
        queryset = units if units is not None else Unit.objects.none()
        for n in range(1, COHANDLER_ROWS + 1):
            self.fields[f"cohandler_{n}"] = forms.ModelChoiceField(
                label=_("Co-handling unit %(n)s") % {"n": n},
                queryset=queryset,
                required=False,
                widget=UnitSelect,
            )
            self.fields[f"cohandler_{n}_task"] = forms.CharField(
                label=_("Its part: what it must answer"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"cohandler_{n}_days"] = forms.IntegerField(
                label=_("Its time limit (working days)"),
                required=False,
                min_value=1,
                max_value=60,
                initial=conf.part_default_working_days(),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = []
        for n in range(1, COHANDLER_ROWS + 1):
            unit = data.get(f"cohandler_{n}")
            task = (data.get(f"cohandler_{n}_task") or "").strip()
            if unit is None:
                if task:
                    self.add_error(f"cohandler_{n}", _("Choose the co-handling unit."))
                continue
            if not task:
                self.add_error(
                    f"cohandler_{n}_task", _("Say what the co-handling unit must answer.")
                )
                continue
            days = data.get(f"cohandler_{n}_days") or conf.part_default_working_days()
            parts.append(PartInput(unit=unit, task=task, working_days=days))
        data["parts"] = parts
        return data


class PartAddForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Co-handling unit"), queryset=Unit.objects.none(), widget=UnitSelect
    )
    task = forms.CharField(
        label=_("Its part: what it must answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    working_days = forms.IntegerField(
        label=_("Its time limit (working days)"), min_value=1, max_value=60
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_days"].initial = conf.part_default_working_days()
        if units is not None:
            self.fields["unit"].queryset = units


class PartAnswerForm(forms.Form):
    facts = forms.CharField(
        label=_("Facts found"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    measures = forms.CharField(
        label=_("Measures taken"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal_note = forms.CharField(
        label=_("Internal note to the officer (not shown to other units)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the dispute"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DisputeDecideForm(forms.Form):
    dispute = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("uphold", _("Uphold the dispatch (back to the unit)")),
            ("redispatch", _("Re-dispatch to another unit")),
        ],
        widget=forms.RadioSelect,
    )
    unit = forms.ModelChoiceField(
        label=_("Re-dispatch to"), queryset=Unit.objects.none(), required=False, widget=UnitSelect
    )
    note = forms.CharField(
        label=_("Decision note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class RuleForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ComplaintCategory.objects.filter(is_active=True)
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Unit.objects.none(),
        required=False,
        widget=UnitSelect,
        help_text=_(
            "Complaints about units within this unit's subtree; leave empty for the whole "
            "jurisdiction. The most specific area wins."
        ),
    )
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Unit.objects.none(), widget=UnitSelect
    )
    note = forms.CharField(label=_("Basis"), required=False, max_length=200)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["area"].queryset = units
            self.fields["unit"].queryset = units
