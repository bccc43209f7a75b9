"""为民办实事 milestones on the 督办 board: overdue open milestones in the board's row shape.

Joined to campaign.board.overdue_sources (the app's one overdue_sources hook), so an overdue
milestone shows where overdue items and complaints do, with 督办 / 催办 for the staff.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from campaign import project_permissions, project_selectors
from campaign.models import ProjectMilestone, Reminder
from campaign.services import projects as services
from units.extensions import OverdueSource, flag
from units.selectors import OVERSEE, unit_scope_q
from units.types import AnyUser


def overdue_sources(*, user: AnyUser, today: datetime.date) -> list[OverdueSource]:
    milestone_type = ContentType.objects.get_for_model(ProjectMilestone)
    supervised = Reminder.objects.filter(
        kind=Reminder.Kind.SUPERVISE, subject_type=milestone_type, subject_id=OuterRef("pk")
    )
    oversees = unit_scope_q(user=user, codename=OVERSEE, prefix="project__unit__")
    rows = (
        project_selectors.overdue_milestones(user=user, today=today)
        .order_by()
        .values(
            row_kind=Value("milestone", output_field=CharField()),
            row_id=F("pk"),
            row_ref=Cast("project_id", output_field=CharField()),
            row_title=Concat(
                F("project__title"), Value(" — "), F("description"), output_field=CharField()
            ),
            row_unit_id=F("project__unit_id"),
            row_unit_name=F("project__unit__name"),
            row_unit_path=F("project__unit__path"),
            row_deadline=F("due_date"),
            row_status=F("status"),
            row_supervised=flag(Q(escalated_at__isnull=False) | Q(Exists(supervised))),
            row_can_push=flag(oversees),
        )
    )
    return [
        OverdueSource(
            kind="milestone",
            label=_("Project milestone"),
            rows=rows,
            statuses={value: str(label) for value, label in ProjectMilestone.Status.choices},
            detail_url="campaign:milestone_detail",
            push=push_milestone,
        )
    ]


def push_milestone(*, user: AnyUser, pk: int, action: str, text: str) -> Reminder:
    """督办 / 催办 one milestone from the board (404 outside the user's reach, 403 read-only)."""
    milestone = project_permissions.get_milestone_for_user_or_404(user, pk)
    kind = Reminder.Kind.SUPERVISE if action == "supervise" else Reminder.Kind.URGE
    return services.milestone_push(milestone=milestone, actor=user, kind=kind, text=text)
