"""Input validation for 为民办实事项目 (every write goes through campaign.services.projects)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.forms import DATE, UploadField
from campaign.models import PeopleProject
from campaign.services.projects import MAX_MILESTONES, MilestoneEntry
from units.cadres import cadres_of_units
from units.models import Person, Unit
from units.widgets import PersonSelect, UnitSelect


class ProjectForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    # Required by the service, which reports every missing field and bad milestone at once.
    title = forms.CharField(label=_("Project"), max_length=200, required=False)
    content = forms.CharField(
        label=_("What it delivers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    beneficiaries = forms.CharField(label=_("Beneficiaries"), max_length=200, required=False)
    cadre = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("Responsible cadre"),
        help_text=_("Choose a cadre of the unit, or type the name and post below."),
        # A search box, never every cadre of the units (tens of thousands in a province).
        widget=PersonSelect,
    )
    responsible_name = forms.CharField(label=_("Responsible person"), max_length=64, required=False)
    responsible_post = forms.CharField(label=_("Responsible post"), max_length=128, required=False)
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("Shown on the public page once published."),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen inside only, never on the public page."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres_of_units(units=units)  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


class NewProjectForm(ProjectForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"), widget=UnitSelect)

    field_order = ["unit"]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, units=units, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].initial = units.first()


class MilestoneForm(forms.Form):
    description = forms.CharField(label=_("Milestone"), max_length=200, required=False)
    due_date = forms.DateField(
        label=pgettext_lazy("milestone", "Due date"), widget=DATE, required=False
    )


MilestoneFormSet = forms.formset_factory(
    MilestoneForm, extra=5, max_num=MAX_MILESTONES, absolute_max=MAX_MILESTONES
)


def milestone_entries(formset: Any) -> list[MilestoneEntry]:
    """The rows filled in (a blank row is ignored; the service checks the rest)."""
    return [
        MilestoneEntry(description=row.get("description") or "", due_date=row.get("due_date"))
        for row in formset.cleaned_data
        if row and (row.get("description") or row.get("due_date"))
    ]


def project_initial(project: PeopleProject) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    fields = {
        name: getattr(project, name)
        for name in (
            "year", "title", "content", "beneficiaries", "responsible_name",
            "responsible_post", "is_public", "internal_note",
        )
    }  # fmt: skip
    fields["cadre"] = project.cadre_id
    rows = [
        {"description": m.description, "due_date": m.due_date} for m in project.milestones.all()
    ]
    return fields, rows


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = UploadField(label=_("Attachment"), required=False)
    done = forms.BooleanField(label=_("This milestone is done"), required=False)


class ProjectReasonForm(forms.Form):
    reason = forms.CharField(label=_("Stated reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ProjectCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublicFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    q = forms.CharField(label=_("Unit or project"), required=False, max_length=50)
