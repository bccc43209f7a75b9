"""Who may do what in the annual assessment, and the fetch helpers its views use."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.models import AssessmentResult, AssessmentScheme, ReminderTalk, Survey
from assessments.selectors import (
    DASHBOARD,
    MANAGE,
    results_visible_to,
    schemes_visible_to,
    talks_visible_to,
    user_holds,
)
from units.types import AnyUser

RUN = "assessments.run_scoring"
PUBLISH = "assessments.publish_results"
EVALUATE = "assessments.add_evaluation"
SURVEYS = "assessments.change_survey"

__all__ = ["DASHBOARD", "MANAGE", "user_holds"]


def can_view_dashboard(user: AnyUser) -> bool:
    return user_holds(user, DASHBOARD)


def can_manage_schemes(user: AnyUser) -> bool:
    return user_holds(user, MANAGE)


def can_run_scoring(user: AnyUser) -> bool:
    return user_holds(user, RUN)


def can_publish_results(user: AnyUser) -> bool:
    return user_holds(user, PUBLISH)


def can_evaluate(user: AnyUser) -> bool:
    return user_holds(user, EVALUATE)


def can_manage_surveys(user: AnyUser) -> bool:
    return user_holds(user, SURVEYS)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this."))


def get_scheme_for_user_or_404(user: AnyUser, pk: int) -> AssessmentScheme:
    """Schemes are read by the dashboard's readers and the staff who manage them."""
    try:
        return schemes_visible_to(user=user).get(pk=pk)
    except AssessmentScheme.DoesNotExist:
        raise Http404(_("Assessment scheme not found.")) from None


def get_dashboard_scheme_for_user_or_404(
    user: AnyUser, pk: int
) -> tuple[AssessmentScheme, AnyUser | None]:
    """The scheme whose dashboard the user opens, and whose results it is confined to.

    Readers of the whole county read all of it (None); anyone else reads it for the results
    they may read (results_visible_to: a leader in charge, the supervised units' published
    results), and gets 404 where they may read none.
    """
    if can_view_dashboard(user):
        found = schemes_visible_to(user=user).filter(pk=pk).first()
        if found is not None:
            return found, None
    scheme = (
        AssessmentScheme.objects.filter(pk=pk)
        .filter(Exists(results_visible_to(user=user).filter(scheme_id=OuterRef("pk"))))
        .first()
    )
    if scheme is None:
        raise Http404(_("Assessment scheme not found."))
    return scheme, user


def get_survey_for_user_or_404(user: AnyUser, pk: int) -> Survey:
    if not (can_manage_surveys(user) or can_view_dashboard(user)):
        raise Http404(_("Survey not found."))
    try:
        return Survey.objects.select_related("scheme").get(pk=pk)
    except Survey.DoesNotExist:
        raise Http404(_("Survey not found.")) from None


def get_result_for_user_or_404(user: AnyUser, pk: int) -> AssessmentResult:
    """Dashboard readers see every result; a unit sees its own once published."""
    try:
        return results_visible_to(user=user).select_related("scheme", "unit", "group").get(pk=pk)
    except AssessmentResult.DoesNotExist:
        raise Http404(_("Result not found.")) from None


def can_record_talk(user: AnyUser, talk: ReminderTalk) -> bool:
    """The leader in charge holding the talk records it; scheme managers may on their behalf."""
    if not user.is_authenticated:
        return False
    holder = talk.leader.user_id if talk.leader_id and talk.leader else None
    return holder == user.pk or can_manage_schemes(user)


def get_talk_for_user_or_404(user: AnyUser, pk: int) -> ReminderTalk:
    """The officer reads every talk; a leader in charge their own, once published."""
    try:
        return talks_visible_to(user=user).select_related("scheme", "unit", "leader").get(pk=pk)
    except ReminderTalk.DoesNotExist:
        raise Http404(_("Reminder talk not found.")) from None
