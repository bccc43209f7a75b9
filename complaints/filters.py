"""Search and filters on the complaint lists (django-filter), on top of the scoped selectors.

Searching never reaches who complained: the text search covers the case number, subject,
details and the person complained about; the tracking code (which the complainant holds)
only for inspection staff, who take calls about it.
"""

from __future__ import annotations

from typing import Any

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.models import Complaint, ComplaintCategory, clock_running_q
from complaints.permissions import is_handler
from complaints.selectors import text_search
from complaints.tracking import TRACKING_CODE_LENGTH, tracking_code_normalise, tracking_hash
from units.filters import DayFilter, ScopedFilterSet, UnitFilter
from units.workdays import due_soon_cutoff

OPEN = "open"
SUPERVISED = "any"
LIGHTS = [
    ("red", pgettext_lazy("deadline light", "Red light (overdue)")),
    ("yellow", pgettext_lazy("deadline light", "Yellow light (due soon)")),
]
SORTS = {
    "new": (_("Newest first"), ("-received_at", "-pk")),
    "old": (_("Oldest first"), ("received_at", "pk")),
    "accept": (_("Acceptance deadline"), ("accept_deadline", "received_at", "pk")),
    "deadline": (_("Handling deadline"), ("deadline", "received_at", "pk")),
}


def light_q(light: str, today: Any) -> Q:
    """红灯 / 黄灯 as units.workdays.light_case draws them, as a filter (any list, annotated
    or not): the deadline runs while a unit handles the case and its clock is not paused."""
    handling = clock_running_q() & Q(deadline__isnull=False)
    if light == "red":
        return handling & Q(deadline__lt=today)
    if light == "yellow":
        return handling & Q(deadline__gte=today, deadline__lte=due_soon_cutoff(today))
    return Q()


class ComplaintFilter(ScopedFilterSet):
    """The filters above every complaint list; `statuses` are those the list may show."""

    ADVANCED = ("supervision", "closed_from", "closed_to", "satisfaction")

    q = df.CharFilter(label=_("Search"), method="search", max_length=64)
    status = df.ChoiceFilter(label=_("Status"), method="by_status", empty_label=_("All statuses"))
    unit = UnitFilter(label=_("Handling unit"), field_name="unit")
    subject_unit = UnitFilter(label=_("Unit complained about"), field_name="subject_unit")
    category = df.ModelChoiceFilter(
        label=_("Category"), queryset=ComplaintCategory.objects.all(), empty_label=_("All")
    )
    channel = df.ChoiceFilter(
        label=_("Channel"), choices=Complaint.Channel.choices, empty_label=_("All")
    )
    light = df.ChoiceFilter(
        label=_("Deadline light"), choices=LIGHTS, method="by_light", empty_label=_("All")
    )
    supervision = df.ChoiceFilter(
        label=_("Supervision"),
        choices=[
            (SUPERVISED, _("Under supervision (督办 or 挂牌督办)")),
            (Complaint.Supervision.SUPERVISED, Complaint.Supervision.SUPERVISED.label),
            (Complaint.Supervision.LISTED, Complaint.Supervision.LISTED.label),
        ],
        method="by_supervision",
        empty_label=_("All"),
    )
    received_from = DayFilter(label=_("Received from"), field_name="received_at")
    received_to = DayFilter(label=_("Received until"), field_name="received_at", until=True)
    # What a digest's "closed" lines count (units.digests): the dates a case was closed on.
    closed_from = DayFilter(label=pgettext_lazy("complaint", "Closed from"), field_name="closed_at")
    closed_to = DayFilter(
        label=pgettext_lazy("complaint", "Closed until"),
        field_name="closed_at",
        until=True,
    )
    satisfaction = df.ChoiceFilter(
        label=_("Satisfaction"), choices=Complaint.Satisfaction.choices, empty_label=_("All")
    )
    sort = df.ChoiceFilter(
        label=pgettext_lazy("list sort", "Order"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="by_sort",
        empty_label=None,
    )

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Complaint] | None = None,
        *,
        statuses: list[tuple[str, Any]] | None = None,
        default_sort: str = "new",
        **kwargs: Any,
    ) -> None:
        if data is not None:
            data = data.copy()
            if not data.get("sort"):
                data["sort"] = default_sort
        self.default_sort = default_sort
        super().__init__(data, queryset, **kwargs)
        choices = statuses if statuses is not None else [(OPEN, _("Open cases"))]
        if statuses is None:
            choices += list(Complaint.Status.choices)
        self.form.fields["status"].choices = choices  # type: ignore[attr-defined]
        self.form.fields["q"].widget.attrs["placeholder"] = (
            _("Case number, subject, details, tracking code")
            if is_handler(self.user)
            else _("Case number, subject, details")
        )

    def search(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        value = value.strip()
        if not value:
            return qs
        code = tracking_code_normalise(value)
        also = None
        if is_handler(self.user) and len(code) == TRACKING_CODE_LENGTH:
            # Only the keyed hash is stored: the whole code, as the complainant reads it out.
            also = Q(tracking_hash=tracking_hash(code))
        return text_search(qs, value, also=also)

    def by_status(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        if value == OPEN:
            # The open statuses by name, as the partial indexes on open cases say.
            return qs.filter(status__in=Complaint.OPEN_STATUSES)
        return qs.filter(status=value) if value else qs

    def by_light(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        return qs.filter(light_q(value, self.today or timezone.localdate())) if value else qs

    def by_supervision(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        if value == SUPERVISED:
            return qs.exclude(supervision=Complaint.Supervision.NONE)
        return qs.filter(supervision=value) if value else qs

    def by_sort(self, qs: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        _label, order = SORTS.get(value) or SORTS[self.default_sort]
        return qs.order_by(*order)
