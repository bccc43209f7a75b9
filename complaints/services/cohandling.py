"""主办 / 协办: the officer dispatches a case to a lead unit and co-handling units, each
co-handler answers its part by its own deadline (working days), and may dispute it.

The lead unit's answer (complaint_answer) is refused while a part is owed: the officer
reviews one consolidated answer, as the guidance's 主办单位汇总答复 asks.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf
from complaints.models import Complaint, ComplaintPart, ComplaintPartTransition
from complaints.permissions import require_answer_part, require_assign_to, require_handle
from complaints.selectors import unit_recipients
from complaints.services.disputes import dispute_open, dispute_window_check
from complaints.services.handling import complaint_assign, lock_case
from complaints.services.notices import notify_unit
from units.models import Notification, Unit
from units.services import notification_send
from units.transitions import record_transition, transition
from units.types import AnyUser
from units.workdays import add_working_days

# A part may be added while the lead unit works on the case.
PARTS_ADDABLE = (Complaint.Status.ASSIGNED, Complaint.Status.SENT_BACK)


@dataclass(frozen=True)
class PartInput:
    unit: Unit
    task: str
    working_days: int


def notify_part_unit(part: ComplaintPart, *, title: str, suffix: str) -> None:
    """Tell the co-handling unit's heads: the case number, subject and its part's deadline."""
    complaint = part.complaint
    notification_send(
        recipients=unit_recipients(unit=part.unit)["heads"],
        kind=Notification.Kind.ASSIGNED,
        title=title,
        body=_("Case %(number)s: %(title)s. Part deadline: %(deadline)s.")
        % {"number": complaint.number, "title": complaint.title, "deadline": part.deadline},
        url=reverse("complaints:part", args=[part.pk]),
        object_key=f"complaint-part:{part.pk}:{suffix}",
        deadline=part.deadline,
    )


def part_add(
    *, complaint: Complaint, unit: Unit, task: str, working_days: int, actor: AnyUser
) -> ComplaintPart:
    """协办: a co-handling unit, its part and its time limit in working days."""
    task = task.strip()
    errors = {}
    if not task:
        errors["task"] = _("Say what the co-handling unit must answer.")
    if not 1 <= working_days <= 60:
        errors["working_days"] = _("Give a time limit of 1 to 60 working days.")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    with transaction.atomic():
        locked = lock_case(complaint)
        require_handle(actor, locked)
        require_assign_to(actor, unit)
        if locked.status not in PARTS_ADDABLE:
            raise ValidationError(_("Co-handling units are added while the case is being handled."))
        if not unit.is_active:
            raise ValidationError({"unit": _("The unit is archived.")})
        if unit.pk == locked.unit_id:
            raise ValidationError({"unit": _("The lead unit cannot also co-handle the case.")})
        if locked.parts.filter(unit=unit, status__in=ComplaintPart.OUTSTANDING).exists():
            raise ValidationError({"unit": _("This unit already has a part of the case.")})
        part = ComplaintPart.objects.create(  # type: ignore[misc]  # staff, checked by require_*
            complaint=locked,
            unit=unit,
            task=task,
            working_days=working_days,
            deadline=add_working_days(today, working_days),
            created_by=actor,
        )
        record_transition(
            record_model=ComplaintPartTransition,
            subject_field="part",
            subject=part,
            from_status="",
            to_status=ComplaintPart.Status.ASSIGNED,
            actor=actor,
            comment=f"{unit.name} · {part.deadline.isoformat()} · {task}",
        )
        notify_part_unit(
            part,
            title=_("Complaint %(number)s: your unit is asked to co-handle a part")
            % {"number": locked.number},
            suffix="assigned",
        )
    return part


def complaint_dispatch(
    *,
    complaint: Complaint,
    unit: Unit,
    actor: AnyUser,
    deadline: datetime.date | None = None,
    instructions: str = "",
    parts: Sequence[PartInput] = (),
) -> Complaint:
    """交办 to the lead unit (主办) with its co-handling units (协办), all or nothing."""
    units = [p.unit.pk for p in parts]
    if len(units) != len(set(units)):
        raise ValidationError(_("Name each co-handling unit once."))
    with transaction.atomic():
        moved = complaint_assign(
            complaint=complaint,
            unit=unit,
            actor=actor,
            deadline=deadline,
            instructions=instructions,
        )
        for item in parts:
            part_add(
                complaint=moved,
                unit=item.unit,
                task=item.task,
                working_days=item.working_days,
                actor=actor,
            )
    return moved


def lock_part(part: ComplaintPart) -> ComplaintPart:
    return (
        ComplaintPart.objects.select_related("complaint", "unit")
        .select_for_update(of=("self",))
        .get(pk=part.pk)
    )


def part_answer(
    *, part: ComplaintPart, actor: AnyUser, facts: str, measures: str = "", internal_note: str = ""
) -> ComplaintPart:
    """The co-handler answers its part (facts, measures): the lead unit sees it to consolidate."""
    if not facts.strip():
        raise ValidationError({"facts": _("Describe the facts found.")})
    with transaction.atomic():
        locked = lock_part(part)
        require_answer_part(actor, locked)
        if locked.complaint.status in Complaint.FINAL_STATUSES:
            raise ValidationError(_("The case is closed."))
        moved = transition(
            locked,
            locked=True,
            target=ComplaintPart.Status.ANSWERED,
            actor=actor,
            fields={
                "facts": facts.strip(),
                "measures": measures.strip(),
                "internal_note": internal_note.strip(),
                "answered_at": timezone.now(),
            },
        )
        notify_unit(
            moved.complaint,
            kind=Notification.Kind.INFO,
            title=_("Complaint %(number)s: %(unit)s answered its co-handling part")
            % {"number": moved.complaint.number, "unit": moved.unit.name},
            object_suffix=f":part:{moved.pk}:answered",
        )
    return moved


def part_dispute(*, part: ComplaintPart, actor: AnyUser, reason: str) -> ComplaintPart:
    """派单异议 of a co-handler on its part: within the window, with a reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Explain why this is not your unit's responsibility.")})
    today = timezone.localdate()
    with transaction.atomic():
        locked = lock_part(part)
        require_answer_part(actor, locked)
        dispute_window_check(locked.assigned_at, today)
        moved = transition(
            locked, locked=True, target=ComplaintPart.Status.DISPUTED, actor=actor, comment=reason
        )
        dispute_open(
            complaint=moved.complaint,
            part=moved,
            unit=moved.unit,
            actor=actor,
            reason=reason,
            today=today,
        )
    return moved


def part_default_working_days() -> int:
    return conf.part_default_working_days()
