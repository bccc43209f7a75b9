"""Who may do what to 为民办实事项目: the unit (ACT) files and reports, staff (OVERSEE) publish.

Fetch helpers give outsiders 404 (projects_visible_to); the services' `require_*` give
read-only users (leaders, leaders in charge) 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from campaign import project_selectors as selectors
from campaign.models import MilestoneProgress, PeopleProject, ProjectMilestone
from units.permissions import can_act_for_unit, can_oversee_unit
from units.types import AnyUser


def can_manage_project(user: AnyUser, project: PeopleProject) -> bool:
    """The unit's heads and liaisons: file, edit, submit, report progress."""
    return can_act_for_unit(user, project.unit)


def can_review_project(user: AnyUser, project: PeopleProject) -> bool:
    """Inspection staff with jurisdiction over the unit: publish, send back, 督办."""
    return can_oversee_unit(user, project.unit)


def require_manage_project(user: AnyUser, project: PeopleProject) -> None:
    if not can_manage_project(user, project):
        raise PermissionDenied(_("You may not act for this unit."))


def require_review_project(user: AnyUser, project: PeopleProject) -> None:
    if not can_review_project(user, project):
        raise PermissionDenied(
            _("Only inspection staff with jurisdiction over this unit may do this.")
        )


def get_project_for_user_or_404(user: AnyUser, pk: int) -> PeopleProject:
    try:
        return (
            selectors.projects_visible_to(user=user)
            .select_related("unit", "cadre", "created_by")
            .get(pk=pk)
        )
    except PeopleProject.DoesNotExist:
        raise Http404(_("Project not found.")) from None


def get_milestone_for_user_or_404(user: AnyUser, pk: int) -> ProjectMilestone:
    try:
        return (
            selectors.milestones_visible_to(user=user)
            .select_related("project", "project__unit")
            .get(pk=pk)
        )
    except ProjectMilestone.DoesNotExist:
        raise Http404(_("Milestone not found.")) from None


def get_milestone_progress_for_user_or_404(user: AnyUser, pk: int) -> MilestoneProgress:
    try:
        return selectors.milestone_progress_visible_to(user=user).get(pk=pk)
    except MilestoneProgress.DoesNotExist:
        raise Http404(_("Progress update not found.")) from None


def get_public_project_or_404(pk: int) -> PeopleProject:
    try:
        return selectors.public_projects().select_related("unit").get(pk=pk)
    except PeopleProject.DoesNotExist:
        raise Http404(_("Project not found.")) from None
