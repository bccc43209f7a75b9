"""Who may do what in the annual assessment, and the fetch helpers its views use."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.models import AssessmentResult, AssessmentScheme, Survey
from units.selectors import unit_scope_q
from units.types import AnyUser

MANAGE = "assessments.change_assessmentscheme"
RUN = "assessments.run_scoring"
PUBLISH = "assessments.publish_results"
DASHBOARD = "assessments.view_dashboard"
EVALUATE = "assessments.add_evaluation"


def _has(user: AnyUser, perm: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(perm))  # type: ignore[union-attr]


def can_view_dashboard(user: AnyUser) -> bool:
    return _has(user, DASHBOARD)


def can_manage_schemes(user: AnyUser) -> bool:
    return _has(user, MANAGE)


def can_run_scoring(user: AnyUser) -> bool:
    return _has(user, RUN)


def can_publish_results(user: AnyUser) -> bool:
    return _has(user, PUBLISH)


def can_evaluate(user: AnyUser) -> bool:
    return _has(user, EVALUATE)


def can_manage_surveys(user: AnyUser) -> bool:
    return _has(user, "assessments.change_survey")


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this."))


def get_scheme_for_user_or_404(user: AnyUser, pk: int) -> AssessmentScheme:
    """Schemes are read by the dashboard's readers and the staff who manage them."""
    from assessments.selectors import schemes_visible_to  # the selectors import this module

    try:
        return schemes_visible_to(user=user).get(pk=pk)
    except AssessmentScheme.DoesNotExist:
        raise Http404(_("Assessment scheme not found.")) from None


def get_survey_for_user_or_404(user: AnyUser, pk: int) -> Survey:
    if not (can_manage_surveys(user) or can_view_dashboard(user)):
        raise Http404(_("Survey not found."))
    try:
        return Survey.objects.select_related("scheme").get(pk=pk)
    except Survey.DoesNotExist:
        raise Http404(_("Survey not found.")) from None


def get_result_for_user_or_404(user: AnyUser, pk: int) -> AssessmentResult:
    """Dashboard readers see every result; a unit sees its own once published."""
    qs = AssessmentResult.objects.select_related("scheme", "unit", "group")
    if not can_view_dashboard(user):
        qs = qs.filter(unit_scope_q(user=user, prefix="unit__")).filter(
            scheme__status=AssessmentScheme.Status.PUBLISHED
        )
    try:
        return qs.get(pk=pk)
    except AssessmentResult.DoesNotExist:
        raise Http404(_("Result not found.")) from None
