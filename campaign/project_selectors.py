"""Reads for 为民办实事项目: who sees which project, the public list, the overdue milestones.

One scoping rule (`projects_visible_to`) serves the internal list, the detail page, the
attachment download and the 督办 board; the public page reads `public_projects` only.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign.models import MilestoneProgress, PeopleProject, ProjectMilestone
from units.selectors import ACT, OVERSEE, VIEW, unit_scope_q
from units.types import AnyUser

Project = PeopleProject
Status = PeopleProject.Status
Open = ProjectMilestone.Status.OPEN


def projects_visible_to(*, user: AnyUser) -> QuerySet[PeopleProject]:
    """Projects of the units the user sees; a draft only to those who act for its unit."""
    if not user.is_authenticated:
        return Project.objects.none()
    qs = Project.objects.filter(unit_scope_q(user=user, codename=VIEW, prefix="unit__"))
    acts = unit_scope_q(user=user, codename=ACT, prefix="unit__")
    if acts != Q():
        qs = qs.filter(~Q(status=Status.DRAFT) | acts)
    return qs


def projects_overseen_by(*, user: AnyUser) -> QuerySet[PeopleProject]:
    return Project.objects.filter(unit_scope_q(user=user, codename=OVERSEE, prefix="unit__"))


def milestones_visible_to(*, user: AnyUser) -> QuerySet[ProjectMilestone]:
    return ProjectMilestone.objects.filter(project__in=projects_visible_to(user=user))


def milestone_progress_visible_to(*, user: AnyUser) -> QuerySet[MilestoneProgress]:
    return MilestoneProgress.objects.filter(milestone__project__in=projects_visible_to(user=user))


def _count(condition: Q) -> Any:
    """Milestones of the outer project matching `condition`, as a correlated subquery."""
    rows = (
        ProjectMilestone.objects.filter(condition, project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_progress(qs: QuerySet[PeopleProject]) -> QuerySet[PeopleProject]:
    """Each project with milestones done / total and the next open due date, in SQL.

    Correlated subqueries: computed for the rows of the page only (paged ids first).
    """
    next_due = (
        ProjectMilestone.objects.filter(project=OuterRef("pk"), status=Open)
        .order_by()
        .values("project")
        .annotate(d=Min("due_date"))
        .values("d")
    )
    return qs.annotate(
        milestones_total=_count(Q()),
        milestones_done=_count(Q(status=ProjectMilestone.Status.DONE)),
        next_due=Subquery(next_due),
    )


def project_list(
    *,
    user: AnyUser,
    year: int | None = None,
    status: str = "",
    unit_id: int | None = None,
) -> QuerySet[PeopleProject]:
    qs = projects_visible_to(user=user)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return with_progress(qs.select_related("unit")).order_by("-year", "unit__path", "pk")


def public_projects() -> QuerySet[PeopleProject]:
    """What the public may see: published (or completed) projects marked public."""
    return Project.objects.filter(is_public=True, status__in=Project.PUBLISHED_STATES)


def public_project_list(
    *, year: int | None = None, unit_id: int | None = None, search: str = ""
) -> QuerySet[PeopleProject]:
    """The public page's rows: only public fields, progress computed in SQL."""
    qs = public_projects()
    if year:
        qs = qs.filter(year=year)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if search:
        qs = qs.filter(Q(unit__name__icontains=search) | Q(title__icontains=search))
    return with_progress(qs.select_related("unit")).order_by("-year", "-pk")


def public_years() -> list[int]:
    return list(public_projects().order_by("-year").values_list("year", flat=True).distinct()[:20])


def overdue_milestones(*, user: AnyUser, today: datetime.date | None = None) -> QuerySet[Any]:
    """Open milestones past their due date on projects under way, in the user's scope."""
    today = today or timezone.localdate()
    return ProjectMilestone.objects.filter(
        unit_scope_q(user=user, codename=VIEW, prefix="project__unit__"),
        status=Open,
        due_date__lt=today,
        project__status__in=list(Project.UNDER_WAY),
    )


def project_transitions(*, project: PeopleProject) -> list[Any]:
    labels = dict(Status.choices)
    rows = list(project.transitions.select_related("actor"))
    for row in rows:
        row.from_label = labels.get(row.from_status, "—")  # type: ignore[attr-defined]
        row.to_label = labels.get(row.to_status, row.to_status)  # type: ignore[attr-defined]
    return rows
