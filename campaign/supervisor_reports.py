"""Who sees and decides supervisors' 察访 reports (the one scoping rule for them).

A supervisor sees their own reports; inspection staff see the reports on units in their
jurisdiction and decide them. Nobody else sees any: a unit head never learns which
supervisor reported on their unit from these pages (a finding made of a report reaches the
unit as any inspection finding does, without the supervisor's name).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from campaign.models import SupervisorReport
from units.models import Unit
from units.permissions import can_oversee_unit
from units.selectors import OVERSEE, unit_scope_q
from units.supervisors import units_watched_by
from units.types import AnyUser


def supervisor_reports_visible_to(*, user: AnyUser) -> QuerySet[SupervisorReport]:
    if not user.is_authenticated:
        return SupervisorReport.objects.none()
    overseen = unit_scope_q(user=user, codename=OVERSEE, prefix="unit__")
    if overseen == Q():
        # The whole county: an empty Q would vanish from the OR below and filter everything.
        return SupervisorReport.objects.all()
    return SupervisorReport.objects.filter(Q(supervisor__user_id=user.pk) | overseen)


def supervisor_reports_overseen_by(*, user: AnyUser) -> QuerySet[SupervisorReport]:
    """The reports an officer decides (the incoming list)."""
    return SupervisorReport.objects.filter(
        unit_scope_q(user=user, codename=OVERSEE, prefix="unit__")
    )


def supervisor_reports_filed_by(*, user: AnyUser) -> QuerySet[SupervisorReport]:
    return SupervisorReport.objects.filter(supervisor__user_id=user.pk)  # type: ignore[misc]


def can_see_incoming_reports(user: AnyUser) -> bool:
    """Inspection staff with a jurisdiction (the incoming list is theirs)."""
    return Unit.objects.filter(unit_scope_q(user=user, codename=OVERSEE)).exists()


def can_decide_supervisor_report(user: AnyUser, report: SupervisorReport) -> bool:
    return can_oversee_unit(user, report.unit)


def require_decide_supervisor_report(user: AnyUser, report: SupervisorReport) -> None:
    if not can_decide_supervisor_report(user, report):
        raise PermissionDenied(
            _("Only inspection staff with jurisdiction over this unit may do this.")
        )


def get_supervisor_report_for_user_or_404(user: AnyUser, pk: int) -> SupervisorReport:
    """Its supervisor and the officers of its unit see it; anyone else gets 404."""
    try:
        return (
            supervisor_reports_visible_to(user=user)
            .select_related("unit", "supervisor", "finding__inspection", "decided_by")
            .get(pk=pk)
        )
    except SupervisorReport.DoesNotExist:
        raise Http404(_("Report not found.")) from None


def get_watched_unit_for_user_or_404(user: AnyUser, pk: int) -> Unit:
    """A unit the signed-in supervisor watches; any other unit (or user) gets 404."""
    try:
        return units_watched_by(user=user).get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404(_("Unit not found.")) from None
