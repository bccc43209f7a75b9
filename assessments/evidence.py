"""The evidence behind adjustment lines, and which of it a viewer may open.

Every line names its evidence (a complaint, an item, a circular …). A line links to the
evidence's page when, and only when, that page opens for the viewer through the evidence
app's own scoping: a unit head follows the links to their own unit's evidence, a leader or
officer those in their jurisdiction, and a complaint's page itself keeps the complainant's
identity from those who may not see it. Visibility is asked once per evidence type for the
whole page (`pk IN (…)` on the app's `*_visible_to` queryset), never once per line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import models
from django.db.models import QuerySet

from assessments.models import AdjustmentLine
from campaign.models import (
    AccountabilityAction,
    Circular,
    Deliverable,
    Finding,
    PeopleProject,
    ProjectMilestone,
    RectificationItem,
    Submission,
    SupervisorReport,
)
from campaign.project_selectors import milestones_visible_to, projects_visible_to
from campaign.selectors import (
    accountability_visible_to,
    campaigns_visible_to,
    circulars_visible_to,
    findings_visible_to,
    inspections_visible_to,
    items_visible_to,
    submissions_visible_to,
)
from campaign.supervisor_reports import supervisor_reports_visible_to
from complaints.models import Complaint
from complaints.selectors import complaints_visible_to
from units.types import AnyUser


def _submissions(user: AnyUser) -> QuerySet[Any]:
    # A submission's page is its deliverable's, which opens through the campaign's scope.
    return submissions_visible_to(user=user).filter(
        deliverable__campaign__in=campaigns_visible_to(user=user)
    )


def _deliverables(user: AnyUser) -> QuerySet[Any]:
    return Deliverable.objects.filter(campaign__in=campaigns_visible_to(user=user))


def _findings(user: AnyUser) -> QuerySet[Any]:
    # A finding is shown on its inspection's page.
    return findings_visible_to(user=user).filter(inspection__in=inspections_visible_to(user=user))


# Every evidence type a fact source writes (assessments.facts), with what its page needs:
# the app's scoping for the viewer, and what to load with it so that naming it costs no query.
VISIBLE: dict[type[models.Model], Callable[[AnyUser], QuerySet[Any]]] = {
    Complaint: lambda user: complaints_visible_to(user=user),
    RectificationItem: lambda user: items_visible_to(user=user),
    Submission: _submissions,
    Deliverable: _deliverables,
    Finding: _findings,
    Circular: lambda user: circulars_visible_to(user=user),
    AccountabilityAction: lambda user: accountability_visible_to(user=user),
    PeopleProject: lambda user: projects_visible_to(user=user),
    ProjectMilestone: lambda user: milestones_visible_to(user=user),
    SupervisorReport: lambda user: supervisor_reports_visible_to(user=user),
}
LOADED: dict[type[models.Model], QuerySet[Any]] = {
    Complaint: Complaint.objects.all(),
    RectificationItem: RectificationItem.objects.all(),
    Submission: Submission.objects.select_related("unit", "deliverable"),
    Deliverable: Deliverable.objects.all(),
    Finding: Finding.objects.select_related("unit"),
    Circular: Circular.objects.all(),
    AccountabilityAction: AccountabilityAction.objects.select_related("unit", "person"),
    PeopleProject: PeopleProject.objects.all(),
    ProjectMilestone: ProjectMilestone.objects.all(),
    SupervisorReport: SupervisorReport.objects.select_related("unit"),
}


def with_evidence(lines: QuerySet[AdjustmentLine]) -> QuerySet[AdjustmentLine]:
    """Lines with their evidence objects loaded: one query per evidence type."""
    return lines.select_related("rule", "evidence_type").prefetch_related(
        GenericPrefetch("evidence", list(LOADED.values()))
    )


def visible_evidence(*, user: AnyUser, lines: Iterable[AdjustmentLine]) -> set[tuple[int, int]]:
    """(content type id, object id) of the lines' evidence the user may open."""
    wanted: dict[int, tuple[type[models.Model], set[int]]] = {}
    for line in lines:
        model = line.evidence_type.model_class()
        if model in VISIBLE:
            wanted.setdefault(line.evidence_type_id, (model, set()))[1].add(line.evidence_id)
    found: set[tuple[int, int]] = set()
    for type_id, (model, ids) in wanted.items():
        visible = VISIBLE[model](user).filter(pk__in=ids).values_list("pk", flat=True)
        found.update((type_id, pk) for pk in visible)
    return found


def link_evidence(*, user: AnyUser, lines: list[AdjustmentLine]) -> list[AdjustmentLine]:
    """Set `evidence_url` on each line: the evidence's page if the user may open it, else ""."""
    visible = visible_evidence(user=user, lines=lines)
    for line in lines:
        key = (line.evidence_type_id, line.evidence_id)
        evidence = line.evidence
        line.evidence_url = (  # type: ignore[attr-defined]
            evidence.get_absolute_url() if evidence is not None and key in visible else ""
        )
    return lines
