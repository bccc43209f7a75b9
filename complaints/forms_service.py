"""Input validation for the service-commitment and reception-day pages (no saving here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from complaints.forms import _ComplaintFields
from complaints.services.commitments import MAX_TIME_LIMIT
from units import roles
from units.models import Unit
from units.widgets import UnitSelect


class CommitmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), widget=UnitSelect)
    window = forms.CharField(
        label=_("Service window"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for a commitment of the whole unit."),
    )
    service = forms.CharField(label=_("Service or matter"), max_length=120)
    promise = forms.CharField(
        label=_("What the unit promises"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    time_limit_days = forms.IntegerField(
        label=_("Time limit (working days)"),
        min_value=1,
        max_value=MAX_TIME_LIMIT,
        error_messages={
            "invalid": _("The time limit is a whole number of working days."),
            "min_value": _("The time limit is at least 1 working day."),
            "max_value": _("The time limit is at most %(limit_value)s working days."),
        },
    )
    first_responsible = forms.CharField(label=_("First-responsible post or person"), max_length=64)
    contact = forms.CharField(label=_("Contact"), max_length=64)
    materials = forms.CharField(
        label=_("Materials needed (told at once)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One material per line: everything an applicant must bring, told at once."),
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:  # editing: the unit stays
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units


class CommitmentFilter(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=60, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.active(),
        required=False,
        empty_label=_("All units"),
        widget=UnitSelect,
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class ReceptionDayForm(forms.Form):
    leader = forms.ModelChoiceField(
        label=_("Leader (account)"),
        # Leaders and leaders in charge (a handful), never every account of the county.
        queryset=get_user_model()
        .objects.filter(
            is_active=True,
            person__isnull=False,
            groups__name__in=[roles.LEADERSHIP, roles.LEADER_IN_CHARGE],
        )
        .distinct()
        .select_related("person")
        .order_by("person__name"),
        required=False,
        empty_label=_("None: give the name and post"),
    )
    leader_name = forms.CharField(
        label=_("Leader's name"),
        max_length=64,
        required=False,
        help_text=_("Filled from the account when one is chosen."),
    )
    leader_post = forms.CharField(label=_("Leader's post"), max_length=64)
    unit = forms.ModelChoiceField(
        label=_("Host unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("The county"),
        widget=UnitSelect,
    )
    place = forms.CharField(label=_("Place"), max_length=120)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["leader"].label_from_instance = lambda user: (
            f"{user.person.name}（{user.person.title}）" if user.person.title else user.person.name
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("leader") and not (data.get("leader_name") or "").strip():
            self.add_error("leader_name", _("Choose the leader's account or give the name."))
        return data


class ReceptionVisitForm(_ComplaintFields):
    """A visit received on a reception day: the complaint, and who received it."""

    received_by_leader = forms.CharField(
        label=_("Received by leader"),
        max_length=130,
        required=False,
        help_text=_("Leave empty for the day's leader."),
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    field_order = ["received_by_leader", "received_at"]
