"""A county with last week's work on both sides of the township officer's jurisdiction, for
the digest tests: every figure of the county's digest and of dept_a's is known by hand.

The cast's township officer oversees dept_a's subtree (dept_a and division_a); dept_b is
outside it. Deadlines are either well before the week or well after today, so the lists'
traffic lights (today) and the digest's backlogs (the day after the week) agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from campaign.models import RectificationItem
from complaints.models import Complaint, ComplaintCategory
from tests.campaign.conftest import campaign_start, item_drive
from tests.complaints.conftest import complaint_drive
from units import digests
from units.models import Digest

S = RectificationItem.Status
C = Complaint.Status


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@dataclass
class DigestCounty:
    cast: Any
    today: datetime.date
    period: digests.Period
    campaign: Any

    def in_period(self) -> datetime.datetime:
        return at(self.period.start + datetime.timedelta(days=1))

    def before(self) -> datetime.datetime:
        return at(self.period.previous_start + datetime.timedelta(days=1))


# What the digests must say, by line key: (county, dept_a's subtree) as (value, previous).
EXPECTED = {
    "items.filed": ((3, 3), (3, 1)),
    "items.closed": ((2, 0), (1, 0)),
    "items.open": ((4, None), (3, None)),
    "items.overdue": ((3, None), (2, None)),
    "items.closure_requested": ((1, None), (1, None)),
    "complaints.received": ((4, 2), (2, 1)),
    "complaints.closed": ((2, 0), (1, 0)),
    "complaints.unsatisfied": ((1, None), (1, None)),
    "complaints.open": ((4, None), (2, None)),
    "complaints.overdue": ((2, None), (1, None)),
    "complaints.supervised": ((1, None), (1, None)),
}


def build(cast, today: datetime.date | None = None) -> DigestCounty:
    """Items and complaints of last week (and the week before) on dept_a, division_a, dept_b."""
    today = today or timezone.localdate()
    period = digests.period_before(kind=Digest.Kind.WEEKLY, today=today)
    county = DigestCounty(cast, today, period, campaign_start(cast))
    past = period.start - datetime.timedelta(days=10)
    campaign = county.campaign

    def item(status: str, unit: Any, *, filed: datetime.datetime, **kw: Any) -> Any:
        head = cast.head_b if unit == cast.dept_b else cast.head_a
        overdue = kw.pop("overdue", False)
        made = item_drive(cast, campaign, status, unit=unit, actor=head, **kw)
        changes: dict[str, Any] = {"created_at": filed}
        if overdue:
            changes["deadline"] = past
        if status == S.CLOSED:
            changes["closed_at"] = county.in_period()
        RectificationItem.objects.filter(pk=made.pk).update(**changes)
        return made

    item(S.CLOSED, cast.dept_a, filed=county.in_period())
    item(S.IN_PROGRESS, cast.dept_a, filed=county.before(), overdue=True)
    item(S.CLOSURE_REQUESTED, cast.dept_a, filed=county.in_period())
    item(S.DRAFT, cast.dept_a, filed=county.in_period(), overdue=True)  # not filed yet
    item(
        S.IN_PROGRESS,
        cast.dept_a,
        filed=county.in_period(),
        overdue=True,
        level=RectificationItem.Level.INDIVIDUAL,  # not in a digest
    )
    item(S.ACCEPTED, cast.division_a, filed=county.in_period(), overdue=True)
    item(S.IN_PROGRESS, cast.dept_b, filed=county.before(), overdue=True)
    item(S.CLOSED, cast.dept_b, filed=county.before())

    category = ComplaintCategory.objects.get(name="服务态度")

    def complaint(status: str, unit: Any, *, received: datetime.datetime, **changes: Any) -> Any:
        made = complaint_drive(cast, category, status, unit=unit)
        if changes.pop("overdue", False):
            changes["deadline"] = past
        if status == C.CLOSED:
            changes.setdefault("closed_at", county.in_period())
        Complaint.objects.filter(pk=made.pk).update(received_at=received, **changes)
        return made

    complaint(C.REGISTERED, cast.dept_a, received=county.in_period())  # not routed yet
    complaint(
        C.ASSIGNED,
        cast.dept_a,
        received=county.in_period(),
        overdue=True,
        supervision=Complaint.Supervision.SUPERVISED,
    )
    complaint(
        C.CLOSED,
        cast.dept_a,
        received=county.before(),
        satisfaction=Complaint.Satisfaction.UNSATISFIED,
    )
    complaint(C.ASSIGNED, cast.dept_b, received=county.in_period(), overdue=True)
    complaint(C.CLOSED, cast.dept_b, received=county.before())
    complaint(C.ASSIGNED, cast.division_a, received=county.in_period())
    return county


def lines(digest: Digest) -> dict[str, dict[str, Any]]:
    """The digest's lines by key."""
    return {line["key"]: line for section in digest.sections for line in section["lines"]}


def bottom(digest: Digest) -> list[tuple[str, int, list[int]]]:
    section = next(s for s in digest.sections if s.get("units"))
    return [(line["label"], line["value"], line.get("parts", [])) for line in section["lines"]]
