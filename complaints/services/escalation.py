"""The daily sweep: every deadline of a case escalates, each step once.

Acceptance (受理, by the staff), handling (办理, by the unit) and the return visit (回访, by
the staff) each get a reminder (催办) before their deadline and a 催办通知书 on the first
working day after it; a case still overdue in handling is listed (挂牌督办) and proposed for
通报批评, each after its own number of working days (complaints.conf).

Supervision is a level beside the status, not a status: a thousand cases move with one
UPDATE, and their history records go in with record_transitions (the set-based path). Each
step claims its cases by a conditional update of their own row (a claim column or the
supervision level), so a second sweep the same day, or one running at the same time, finds
nothing left to do.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf
from complaints.models import (
    Complaint,
    ComplaintEscalation,
    ComplaintTransition,
    clock_running_q,
)
from complaints.permissions import HANDLE
from complaints.selectors import UnitRecipients
from complaints.services.notices import notify_staff, notify_unit
from units.models import Notification
from units.selectors import Overseers
from units.services import NoticeBatch
from units.transitions import record_transitions
from units.workdays import add_working_days, due_soon_cutoff

Stage = ComplaintEscalation.Stage
Kind = ComplaintEscalation.Kind
Notify = Callable[[Complaint, NoticeBatch], None]


@dataclass(frozen=True)
class Step:
    """One escalation step: what the claim writes, the history line, the document, the notice."""

    update: dict[str, Any]
    comment: str
    notify: Notify
    document: tuple[str, str] | None = None  # (stage, kind) of the document issued
    deadline_field: str = "deadline"
    # Before the notices of a batch: what they will look up, read for the whole batch.
    prefetch: Callable[[list[Complaint]], None] | None = None


def _past(cases: models.QuerySet[Complaint], field: str, days: int, today: datetime.date) -> Any:
    """The cases whose `field` lies `days` working days or more before today's first working
    day after it: worked out per distinct deadline, not per case."""
    deadlines = (
        cases.filter(**{f"{field}__lt": today}).order_by().values_list(field, flat=True).distinct()
    )
    due = [day for day in deadlines if add_working_days(day, days) <= today]
    return cases.filter(**{f"{field}__in": due})


def complaints_escalation_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: reminders before each deadline, the 催办通知书 after it, 挂牌督办 and the
    通报批评 proposal when a case stays overdue; each once per case and deadline.

    Each step goes a thousand cases at a time: one transaction locks them (skipping rows a
    concurrent sweep holds), claims them with one UPDATE and writes their transition records,
    documents and notices in batches, so two sweeps at once move and notify each case once and
    a sweep killed midway leaves no case claimed without its record and notice.
    """
    today = today or timezone.localdate()
    handling = Complaint.objects.filter(clock_running_q(), unit__isnull=False)
    # Looked up once per batch for its units (once per set of granted ancestors for the
    # staff), not once per case.
    recipients_of = UnitRecipients()

    def units_first(batch: list[Complaint]) -> None:
        recipients_of.prefetch(complaint.unit for complaint in batch)

    staff_of = Overseers(permission=HANDLE)
    now = timezone.now()

    def to_unit(title: str, kind: str, suffix: str, in_charge: bool = True) -> Notify:
        def send(complaint: Complaint, notices: NoticeBatch) -> None:
            notify_unit(
                complaint,
                kind=kind,
                title=title % {"number": complaint.number, "deadline": complaint.deadline},
                include_in_charge=in_charge,
                object_suffix=suffix,
                recipients_of=recipients_of,
                notices=notices,
            )

        return send

    def to_staff(title: str, kind: str, suffix: str, field: str) -> Notify:
        def send(complaint: Complaint, notices: NoticeBatch) -> None:
            day = getattr(complaint, field)
            notify_staff(
                complaint,
                kind=kind,
                title=title % {"number": complaint.number, "deadline": day},
                object_suffix=suffix,
                deadline=day,
                overseers=staff_of,
                notices=notices,
            )

        return send

    counts: dict[str, int] = {}

    # 受理: the staff accept a case within its category's days.
    registered = Complaint.objects.filter(
        status=Complaint.Status.REGISTERED, accept_deadline__isnull=False
    )
    counts["accept_reminded"] = _run(
        registered.filter(
            accept_escalation="",
            accept_deadline__gte=today,
            accept_deadline__lte=add_working_days(today, conf.accept_reminder_working_days()),
        ),
        Step(
            update={"accept_escalation": "reminded"},
            comment=_("Reminder (催办): the acceptance deadline is near."),
            notify=to_staff(
                _("Complaint %(number)s must be accepted by %(deadline)s"),
                Notification.Kind.DUE_SOON,
                ":accept_due",
                "accept_deadline",
            ),
        ),
    )
    counts["accept_noticed"] = _run(
        _past(registered.exclude(accept_escalation="noticed"), "accept_deadline", 1, today),
        Step(
            update={"accept_escalation": "noticed"},
            comment=_("Not accepted in time: reminder notice (催办通知书) issued."),
            notify=to_staff(
                _("Reminder notice: complaint %(number)s was not accepted by %(deadline)s"),
                Notification.Kind.REMINDER,
                ":accept_notice",
                "accept_deadline",
            ),
            document=(Stage.ACCEPTANCE, Kind.NOTICE),
            deadline_field="accept_deadline",
        ),
    )

    # 办理: the unit answers by its deadline; a moved deadline (extension) re-arms the
    # reminder once, since the claim names the deadline it was for.
    counts["reminded"] = _run(
        handling.filter(deadline__gte=today, deadline__lte=due_soon_cutoff(today)).exclude(
            reminded_for=F("deadline")
        ),
        Step(
            update={"reminded_for": F("deadline")},
            comment=_("Reminder (催办): the handling deadline is near."),
            notify=to_unit(
                _("Complaint %(number)s is due on %(deadline)s"),
                Notification.Kind.DUE_SOON,
                "",
                in_charge=False,
            ),
            prefetch=units_first,
        ),
    )
    counts["supervised"] = _run(
        _past(handling.filter(supervision=Complaint.Supervision.NONE), "deadline", 1, today),
        Step(
            update={"supervision": Complaint.Supervision.SUPERVISED, "supervised_at": now},
            comment=_(
                "Overdue: reminder notice (催办通知书) issued, marked for supervised handling "
                "(督办)."
            ),
            notify=to_unit(
                _("Reminder notice: complaint %(number)s is overdue and under supervised handling"),
                Notification.Kind.REMINDER,
                ":supervised",
            ),
            document=(Stage.HANDLING, Kind.NOTICE),
            prefetch=units_first,
        ),
    )
    counts["listed"] = _run(
        _past(
            handling.filter(supervision=Complaint.Supervision.SUPERVISED),
            "deadline",
            1 + conf.listing_after_working_days(),
            today,
        ),
        Step(
            update={"supervision": Complaint.Supervision.LISTED, "listed_at": now},
            comment=_("Still overdue: listed for supervision (挂牌督办)."),
            notify=to_unit(
                _("Reminder notice: complaint %(number)s is listed for supervision"),
                Notification.Kind.REMINDER,
                ":listed",
            ),
            document=(Stage.HANDLING, Kind.LISTING),
            prefetch=units_first,
        ),
    )
    counts["criticism_proposed"] = _run(
        _past(
            handling.exclude(supervision=Complaint.Supervision.NONE).filter(
                criticism_proposed_at__isnull=True
            ),
            "deadline",
            1 + conf.criticism_after_working_days(),
            today,
        ),
        Step(
            update={"criticism_proposed_at": now},
            comment=_(
                "Still overdue after the reminder notice: proposed for circulated "
                "criticism (通报批评)."
            ),
            notify=to_staff(
                _(
                    "Complaint %(number)s (deadline %(deadline)s) is proposed for circulated "
                    "criticism"
                ),
                Notification.Kind.REMINDER,
                ":criticism",
                "deadline",
            ),
            document=(Stage.HANDLING, Kind.CRITICISM),
        ),
    )

    # 回访: the staff call the complainant back the working day after the answer is approved.
    visits = Complaint.objects.filter(
        status=Complaint.Status.RETURN_VISIT, visit_due__isnull=False, rating_review=False
    )
    counts["visit_reminded"] = _run(
        visits.filter(visit_escalation="", visit_due=today),
        Step(
            update={"visit_escalation": "reminded"},
            comment=_("Reminder (催办): the return visit is due."),
            notify=to_staff(
                _("Return visit for complaint %(number)s is due on %(deadline)s"),
                Notification.Kind.DUE_SOON,
                ":visit_due",
                "visit_due",
            ),
        ),
    )
    counts["visit_overdue"] = _run(
        _past(visits.exclude(visit_escalation="overdue"), "visit_due", 1, today),
        Step(
            update={"visit_escalation": "overdue"},
            comment=_("Return visit overdue: reminder notice (催办通知书) issued."),
            notify=to_staff(
                _(
                    "Reminder notice: the return visit for complaint %(number)s was due on "
                    "%(deadline)s"
                ),
                Notification.Kind.REMINDER,
                ":visit_overdue",
                "visit_due",
            ),
            document=(Stage.RETURN_VISIT, Kind.NOTICE),
            deadline_field="visit_due",
        ),
    )
    return counts


def _run(cases: models.QuerySet[Complaint], step: Step, *, chunk: int = 1000) -> int:
    """Claim `cases` for `step`, a chunk per transaction; how many were claimed."""
    moved = 0
    while True:
        with transaction.atomic():
            batch = list(
                cases.select_for_update(skip_locked=True, of=("self",))
                .select_related("unit", "subject_unit")
                .order_by("pk")[:chunk]
            )
            if not batch:
                return moved
            Complaint.objects.filter(pk__in=[c.pk for c in batch]).update(**step.update)
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
                    comment=step.comment,
                )
            if step.document is not None:
                stage, kind = step.document
                ComplaintEscalation.objects.bulk_create(
                    [
                        ComplaintEscalation(
                            complaint=complaint,
                            stage=stage,
                            kind=kind,
                            deadline=getattr(complaint, step.deadline_field),
                            unit=complaint.unit,
                            reason=step.comment,
                            decision=(
                                ComplaintEscalation.Decision.PENDING
                                if kind == Kind.CRITICISM
                                else ""
                            ),
                        )
                        for complaint in batch
                    ],
                    batch_size=1000,
                )
            if step.prefetch is not None:
                step.prefetch(batch)
            notices = NoticeBatch()
            for complaint in batch:
                step.notify(complaint, notices)
            notices.flush()
            moved += len(batch)
