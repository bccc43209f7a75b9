"""The daily sweep: reminders before deadlines, 督办 when overdue, 挂牌督办 when still overdue.

Supervision is a level beside the status, not a status: a thousand cases move with one
UPDATE, and their history records go in with record_transitions (the set-based path).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf
from complaints.models import Complaint, ComplaintPause, ComplaintTransition
from complaints.services.notices import notify_unit
from units.models import Notification
from units.services import NoticeBatch
from units.transitions import record_transitions
from units.workdays import add_working_days, due_soon_cutoff


def complaints_escalation_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: reminders before deadlines, 督办 when overdue, 挂牌督办 when still overdue.

    Escalations go a thousand cases at a time: one transaction locks them (skipping rows a
    concurrent sweep holds), moves them with one UPDATE and writes their transition records
    and notices in batches, so two sweeps at once move and notify each case once and a
    sweep killed midway leaves no case moved without its record and notice.
    """
    today = today or timezone.localdate()
    handling = Complaint.objects.in_handling().filter(unit__isnull=False)
    handling = handling.exclude(pk__in=ComplaintPause.objects.open().values("complaint_id"))
    # Looked up once per unit and per deadline, not once per case.
    recipients_of: dict[int, dict[str, list[Any]]] = {}

    reminders = NoticeBatch()
    soon = handling.filter(deadline__gte=today, deadline__lte=due_soon_cutoff(today))
    reminded = 0
    for complaint in soon.select_related("unit").iterator(chunk_size=2000):
        notify_unit(
            complaint,
            kind=Notification.Kind.DUE_SOON,
            recipients_of=recipients_of,
            notices=reminders,
            title=_("Complaint %(number)s is due on %(deadline)s")
            % {"number": complaint.number, "deadline": complaint.deadline},
        )
        reminded += 1
    reminders.flush()

    supervised = _escalate(
        handling.filter(deadline__lt=today, supervision=Complaint.Supervision.NONE),
        to=Complaint.Supervision.SUPERVISED,
        stamp="supervised_at",
        comment=_("Overdue: marked for supervised handling (督办)."),
        title=_("Reminder notice: complaint %(number)s is overdue and under supervised handling"),
        suffix=":supervised",
        recipients_of=recipients_of,
    )

    # 挂牌督办 a set number of working days after the deadline: worked out per deadline.
    listing_days = conf.listing_after_working_days()
    overdue = handling.filter(deadline__lt=today, supervision=Complaint.Supervision.SUPERVISED)
    deadlines = overdue.order_by().values_list("deadline", flat=True).distinct()
    due = [day for day in deadlines if day and add_working_days(day, listing_days) < today]
    listed = _escalate(
        overdue.filter(deadline__in=due),
        to=Complaint.Supervision.LISTED,
        stamp="listed_at",
        comment=_("Still overdue: listed for supervision (挂牌督办)."),
        title=_("Reminder notice: complaint %(number)s is listed for supervision"),
        suffix=":listed",
        recipients_of=recipients_of,
    )
    return {"reminded": reminded, "supervised": supervised, "listed": listed}


def _escalate(
    cases: models.QuerySet[Complaint],
    *,
    to: str,
    stamp: str,
    comment: str,
    title: str,
    suffix: str,
    recipients_of: dict[int, dict[str, list[Any]]],
    chunk: int = 1000,
) -> int:
    """Move `cases` to supervision level `to`, a chunk per transaction; how many moved."""
    moved = 0
    now = timezone.now()
    while True:
        with transaction.atomic():
            batch = list(
                cases.select_for_update(skip_locked=True, of=("self",))
                .select_related("unit")
                .order_by("pk")[:chunk]
            )
            if not batch:
                return moved
            Complaint.objects.filter(pk__in=[c.pk for c in batch]).update(
                supervision=to, **{stamp: now}
            )
            by_status: dict[str, list[Complaint]] = {}
            for complaint in batch:
                by_status.setdefault(complaint.status, []).append(complaint)
            for status, subjects in by_status.items():
                record_transitions(
                    record_model=ComplaintTransition,
                    subject_field="complaint",
                    subjects=subjects,
                    from_status=status,
                    to_status=status,
                    actor=None,
                    comment=comment,
                )
            notices = NoticeBatch()
            for complaint in batch:
                notify_unit(
                    complaint,
                    kind=Notification.Kind.REMINDER,
                    title=title % {"number": complaint.number},
                    include_in_charge=True,
                    object_suffix=suffix,
                    recipients_of=recipients_of,
                    notices=notices,
                )
            notices.flush()
            moved += len(batch)
