"""派单异议 records: opened when a unit disputes its dispatch, settled by the officer's decision.

The lowest of the dispatch modules (handling, cohandling and dispatch all use it): it moves
only the dispute itself, through units.transitions, never the case or the part.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf
from complaints.models import Complaint, ComplaintPart, DispatchDispute, DispatchDisputeTransition
from units.models import Unit
from units.transitions import record_transition, transition
from units.types import AnyUser
from units.workdays import add_working_days


def dispute_window_check(assigned_at: datetime.datetime | None, today: datetime.date) -> None:
    """A dispatch may be disputed only within the set working days after it was made."""
    days = conf.dispute_window_working_days()
    if assigned_at is None:
        return
    last_day = add_working_days(timezone.localtime(assigned_at).date(), days)
    if today > last_day:
        raise ValidationError(
            {
                "reason": _(
                    "A dispatch may be disputed only within %(days)s working days of it "
                    "(until %(date)s). Handle the case, or ask the officer by other means."
                )
                % {"days": days, "date": last_day.isoformat()}
            }
        )


def dispute_open(
    *,
    complaint: Complaint,
    part: ComplaintPart | None,
    unit: Unit,
    actor: AnyUser,
    reason: str,
    today: datetime.date,
) -> DispatchDispute:
    """The dispute, due for decision within the set working days; recorded as opened."""
    dispute = DispatchDispute.objects.create(  # type: ignore[misc]  # staff, checked by require_*
        complaint=complaint,
        part=part,
        unit=unit,
        reason=reason,
        raised_by=actor,
        decide_by=add_working_days(today, conf.dispute_decide_working_days()),
    )
    record_transition(
        record_model=DispatchDisputeTransition,
        subject_field="dispute",
        subject=dispute,
        from_status="",
        to_status=DispatchDispute.Status.PENDING,
        actor=actor,
        comment=reason,
    )
    return dispute


def dispute_settle(
    *,
    complaint: Complaint,
    part: ComplaintPart | None,
    actor: AnyUser,
    new_unit: Unit | None,
    note: str = "",
) -> DispatchDispute | None:
    """Settle the pending dispute of the dispatch (if any): upheld when the unit stays,
    re-dispatched when it goes to `new_unit`. The caller holds the case's lock."""
    qs = DispatchDispute.objects.filter(complaint=complaint, status=DispatchDispute.Status.PENDING)
    qs = qs.filter(part=part) if part is not None else qs.filter(part__isnull=True)
    pending = qs.first()
    if pending is None:
        return None
    moved = new_unit is not None and new_unit.pk != pending.unit_id
    target = DispatchDispute.Status.REDISPATCHED if moved else DispatchDispute.Status.UPHELD
    summary = (
        _("Re-dispatched to %(unit)s") % {"unit": new_unit.name}  # type: ignore[union-attr]
        if moved
        else _("Dispatch upheld: the case stays with %(unit)s") % {"unit": pending.unit.name}
    )
    return transition(
        pending,
        target=target,
        actor=actor,
        comment=f"{summary}" + (f" · {note}" if note else ""),
        fields={
            "decided_by": actor,
            "decided_at": timezone.now(),
            "decision_note": note,
            "new_unit": new_unit if moved else None,
        },
    )
