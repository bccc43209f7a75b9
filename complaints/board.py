"""Complaints' part of the 督办 board: cases past their handling deadline, in the board's row
shape (units.extensions.overdue_sources)."""

from __future__ import annotations

import datetime

from django.db.models import CharField, F, Q, Value
from django.utils.translation import gettext as _

from campaign.models import Reminder
from complaints import permissions, services
from complaints.board_dispatch import overdue_part_sources
from complaints.models import Complaint
from complaints.permissions import is_handler
from complaints.selectors import complaints_visible_to
from complaints.services.supervision import PUSHABLE
from units.extensions import OverdueSource, flag
from units.selectors import OVERSEE, unit_scope_q
from units.types import AnyUser


def overdue_sources(*, user: AnyUser, today: datetime.date) -> list[OverdueSource]:
    # Pushed by staff who handle the case: jurisdiction over both of its units.
    handles = Q(pk__in=[])
    if is_handler(user):
        subject = unit_scope_q(user=user, codename=OVERSEE, prefix="subject_unit__")
        if subject != Q():  # (an empty Q is "every unit": OR-ing it would drop it)
            subject = Q(subject_unit__isnull=True) | subject
        handles = unit_scope_q(user=user, codename=OVERSEE, prefix="unit__") & subject
    rows = (
        complaints_visible_to(user=user)
        .filter(status__in=Complaint.HANDLING_STATUSES, deadline__lt=today, unit__isnull=False)
        .order_by()
        .values(
            row_kind=Value("complaint", output_field=CharField()),
            row_id=F("pk"),
            row_ref=F("number"),
            row_title=F("title"),
            row_unit_id=F("unit_id"),
            row_unit_name=F("unit__name"),
            row_unit_path=F("unit__path"),
            row_deadline=F("deadline"),
            row_status=F("status"),
            row_supervised=flag(~Q(supervision=Complaint.Supervision.NONE)),
            row_can_push=flag(handles & Q(status__in=PUSHABLE)),
        )
    )
    return [
        OverdueSource(
            kind="complaint",
            label=_("Complaint"),
            rows=rows,
            statuses={value: str(label) for value, label in Complaint.Status.choices},
            detail_url="complaints:detail",
            push=push_complaint,
        ),
        *overdue_part_sources(user=user, today=today),  # 协办 parts past their deadline
    ]


def push_complaint(*, user: AnyUser, pk: int, action: str, text: str) -> Reminder:
    """督办 / 催办 one case from the board (404 outside the user's reach, 403 read-only)."""
    complaint = permissions.get_complaint_for_user_or_404(user, pk)
    push = services.complaint_supervise if action == "supervise" else services.complaint_urge
    return push(complaint=complaint, actor=user, text=text)
