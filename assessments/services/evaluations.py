"""Every write to the organisational evaluation: assignments and evaluators' scores."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments import permissions
from assessments.models import AssessmentScheme, Evaluation, EvaluationAssignment, Indicator
from units.models import Unit
from units.types import AnyUser

Status = AssessmentScheme.Status


def evaluation_assign(
    *, scheme: AssessmentScheme, evaluator: Any, units: list[Unit] | Any, actor: AnyUser | None
) -> int:
    """Assign units to an evaluator (idempotent)."""
    if actor is not None and not permissions.can_manage_schemes(actor):
        raise PermissionDenied(_("You may not manage assessment schemes."))
    rows = [EvaluationAssignment(scheme=scheme, evaluator=evaluator, unit=u) for u in units]
    EvaluationAssignment.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def evaluations_record(
    *,
    scheme: AssessmentScheme,
    evaluator: AnyUser,
    scores: Sequence[tuple[Unit | int, Indicator | int, Decimal, str]],
) -> int:
    """Record (or correct) an evaluator's scores, all or nothing.

    Each score must be for an assigned unit, an indicator of the scheme, between 0 and
    the indicator's maximum; the scheme must be in progress.
    """
    if not permissions.can_evaluate(evaluator):
        raise PermissionDenied(_("You may not enter evaluation scores."))
    status = AssessmentScheme.objects.values_list("status", flat=True).get(pk=scheme.pk)
    if status != Status.OPEN:
        raise ValidationError(_("Scores can only be entered while the assessment is in progress."))
    assigned = set(
        EvaluationAssignment.objects.filter(scheme=scheme, evaluator_id=evaluator.pk).values_list(
            "unit_id", flat=True
        )
    )
    indicators = {i.pk: i for i in scheme.indicators.all()}
    errors: list[str] = []
    rows: list[Evaluation] = []
    for unit, indicator, score, comment in scores:
        unit_id = unit if isinstance(unit, int) else unit.pk
        indicator_id = indicator if isinstance(indicator, int) else indicator.pk
        found = indicators.get(indicator_id)
        if unit_id not in assigned:
            errors.append(_("You are not assigned to evaluate this unit."))
        elif found is None:
            errors.append(_("The indicator is not part of this scheme."))
        elif score < 0 or score > found.max_points:
            errors.append(
                _("The score for “%(indicator)s” must be between 0 and %(max)s.")
                % {"indicator": found.name, "max": found.max_points}
            )
        else:
            rows.append(
                Evaluation(
                    scheme=scheme,
                    indicator_id=indicator_id,
                    unit_id=unit_id,
                    evaluator_id=evaluator.pk,  # type: ignore[misc]
                    score=score,
                    comment=comment.strip()[:255],
                )
            )
    if errors:
        raise ValidationError(sorted(set(errors)))
    with transaction.atomic():
        Evaluation.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["indicator", "unit", "evaluator"],
            update_fields=["score", "comment", "updated_at"],
        )
    return len(rows)
