"""Supervisors vote in the mass survey in their own rater category.

Issuing gives every supervisor in office a one-time code in the survey's supervisors'
category (`RaterCategory.for_supervisors`); they find it on their workspace and vote with it
like any rater, so their answers are counted, weighted and kept anonymous exactly as the
category's paper codes are.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions
from assessments.models import RaterToken, SupervisorCode, Survey
from assessments.services.surveys import new_token_code
from units.models import Supervisor
from units.types import AnyUser


def supervisor_codes_issue(*, survey: Survey, actor: AnyUser | None) -> int:
    """A code in the supervisors' category for each supervisor in office who has none yet."""
    if actor is not None and not permissions.can_manage_surveys(actor):
        raise PermissionDenied(_("You may not manage surveys."))
    category = survey.categories.filter(for_supervisors=True).first()
    if category is None:
        raise ValidationError(
            _("This survey has no rater category for supervisors; add one in the admin first.")
        )
    if survey.status == Survey.Status.CLOSED or survey.scheme.is_frozen:
        raise ValidationError(_("The survey has closed; no more codes are issued."))
    with transaction.atomic():
        # Locked: two clicks at once issue one code per supervisor (and the unique
        # constraint would refuse the second anyway).
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        supervisors = list(
            Supervisor.objects.serving()
            .exclude(survey_codes__survey=survey)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not supervisors:
            return 0
        now = timezone.now()
        tokens = RaterToken.objects.bulk_create(
            RaterToken(survey=survey, category=category, code=new_token_code(), created_at=now)
            for _pk in supervisors
        )
        SupervisorCode.objects.bulk_create(
            SupervisorCode(survey=survey, supervisor_id=pk, token=token)
            for pk, token in zip(supervisors, tokens, strict=True)
        )
    return len(supervisors)
