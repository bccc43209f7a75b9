"""Every write to the organisational evaluation: assignments and evaluators' scores.

An assignment is scheme × evaluator × unit, for every indicator of the scheme (indicator
empty) or for one indicator (one row per indicator). Officers write them in bulk within
their jurisdiction; each evaluator given new work gets one notice per submission.
Scores may be entered while the scheme is in progress or computed (the nightly
recomputation computes schemes in progress), until the results are published.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions
from assessments.models import AssessmentScheme, Evaluation, EvaluationAssignment, Indicator
from assessments.selectors import SCORING_STATUSES
from units.models import Notification, Unit
from units.notifications import notification_send
from units.selectors import OVERSEE, unit_scope_q
from units.types import AnyUser

Status = AssessmentScheme.Status
# Evaluators may be assigned while a scheme is set up and scored, never once published.
ASSIGNABLE_STATUSES = (Status.DRAFT, Status.OPEN, Status.COMPUTED)


@dataclass(frozen=True)
class AssignmentOutcome:
    created: int
    kept: int
    notified: int


def _require_assigner(actor: AnyUser | None) -> None:
    if actor is not None and not permissions.can_manage_schemes(actor):
        raise PermissionDenied(_("You may not manage assessment schemes."))


def _lock_assignable(scheme: AssessmentScheme) -> AssessmentScheme:
    """Lock the scheme row: assignment writes of one scheme run one after the other."""
    locked = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    if locked.status not in ASSIGNABLE_STATUSES:
        raise ValidationError(
            _("The results of this assessment are published: evaluators can no longer be changed.")
        )
    return locked


def _check_units(*, actor: AnyUser | None, units: list[Unit]) -> None:
    if not units:
        raise ValidationError(_("Choose at least one unit."))
    if actor is None:
        return
    inside = set(
        Unit.objects.filter(
            unit_scope_q(user=actor, codename=OVERSEE), pk__in=[u.pk for u in units]
        ).values_list("pk", flat=True)
    )
    if any(u.pk not in inside for u in units):
        raise PermissionDenied(_("Some of these units are outside your jurisdiction."))


def _check_evaluators(evaluators: list[Any]) -> None:
    if not evaluators:
        raise ValidationError(_("Choose at least one evaluator."))
    refused = [e for e in evaluators if not e.is_active or not permissions.can_evaluate(e)]
    if refused:
        raise ValidationError(
            _("%(names)s may not score evaluations (not an active evaluator).")
            % {"names": "、".join(e.get_full_name() or e.get_username() for e in refused)}
        )


def evaluation_assignments_create(
    *,
    scheme: AssessmentScheme,
    evaluators: Sequence[Any],
    units: Iterable[Unit],
    indicators: Iterable[Indicator] = (),
    deadline: datetime.date | None = None,
    actor: AnyUser | None,
    notify: bool = True,
) -> AssignmentOutcome:
    """Assign every evaluator × unit (× indicator, or every indicator when none is given).

    Combinations that exist already are kept as they are; nothing is written unless all
    the input is valid. Each evaluator given at least one new assignment is notified once
    (`notify=False` only for records of a past year, e.g. the demo's).
    """
    _require_assigner(actor)
    evaluators = list(dict.fromkeys(evaluators))
    units = list(dict.fromkeys(units))
    chosen = list(dict.fromkeys(indicators))
    _check_evaluators(evaluators)
    _check_units(actor=actor, units=units)
    if any(i.scheme_id != scheme.pk for i in chosen):
        raise ValidationError(_("The indicator is not part of this scheme."))
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError(_("The scoring deadline cannot be in the past."))
    indicator_ids: list[int | None] = [i.pk for i in chosen] or [None]
    with transaction.atomic():
        locked = _lock_assignable(scheme)
        existing = set(
            EvaluationAssignment.objects.filter(
                scheme=locked,
                evaluator_id__in=[e.pk for e in evaluators],
                unit_id__in=[u.pk for u in units],
            ).values_list("evaluator_id", "unit_id", "indicator_id")
        )
        rows = [
            EvaluationAssignment(
                scheme=locked, evaluator=e, unit=u, indicator_id=i, deadline=deadline
            )
            for e in evaluators
            for u in units
            for i in indicator_ids
            if (e.pk, u.pk, i) not in existing
        ]
        EvaluationAssignment.objects.bulk_create(rows, ignore_conflicts=True)
        new_by_evaluator: dict[Any, list[EvaluationAssignment]] = {}
        for row in rows:
            new_by_evaluator.setdefault(row.evaluator, []).append(row)
        if notify:
            for evaluator, new_rows in new_by_evaluator.items():
                _notify_assigned(
                    scheme=locked,
                    evaluator=evaluator,
                    units=units,
                    rows=new_rows,
                    deadline=deadline,
                )
    requested = len(evaluators) * len(units) * len(indicator_ids)
    return AssignmentOutcome(
        created=len(rows),
        kept=requested - len(rows),
        notified=len(new_by_evaluator) if notify else 0,
    )


def _notify_assigned(
    *,
    scheme: AssessmentScheme,
    evaluator: Any,
    units: list[Unit],
    rows: list[EvaluationAssignment],
    deadline: datetime.date | None,
) -> None:
    unit_ids = {row.unit_id for row in rows}
    names = [u.name for u in units if u.pk in unit_ids]
    shown = "、".join(names[:10]) + (_(" and others") if len(names) > 10 else "")
    body = _("Please score these %(count)s units: %(units)s.") % {
        "count": len(names),
        "units": shown,
    }
    if deadline:
        body += " " + _("Scoring deadline: %(date)s.") % {"date": deadline.isoformat()}
    # One notice per submission that gave this evaluator new work: the key names the new
    # combinations, so a resubmitted form (nothing new) notifies nobody again.
    batch = sorted((row.unit_id, row.indicator_id or 0) for row in rows)
    digest = hashlib.sha256(repr(batch).encode()).hexdigest()[:20]
    notification_send(
        recipients=[evaluator],
        kind=Notification.Kind.ASSIGNED,
        title=_("Organisational evaluation assigned to you: %(scheme)s") % {"scheme": scheme.name},
        body=body,
        url=reverse("assessments:evaluation_index"),
        object_key=f"evaluation:{scheme.pk}:{digest}",
        deadline=deadline,
    )


def evaluation_assign(
    *, scheme: AssessmentScheme, evaluator: Any, units: list[Unit] | Any, actor: AnyUser | None
) -> int:
    """Assign units to one evaluator for every indicator (idempotent)."""
    outcome = evaluation_assignments_create(
        scheme=scheme, evaluators=[evaluator], units=list(units), actor=actor
    )
    return outcome.created + outcome.kept


def evaluation_assignments_remove(
    *, scheme: AssessmentScheme, assignment_ids: Iterable[int], actor: AnyUser
) -> tuple[int, int]:
    """Remove assignments (within the actor's jurisdiction) and the scores they covered.

    A score no remaining assignment covers would otherwise still count in the results.
    Returns (assignments removed, scores removed).
    """
    _require_assigner(actor)
    ids = list(assignment_ids)
    if not ids:
        raise ValidationError(_("Choose the assignments to remove."))
    with transaction.atomic():
        locked = _lock_assignable(scheme)
        doomed = list(
            EvaluationAssignment.objects.select_for_update()
            .filter(scheme=locked, pk__in=ids)
            .select_related("unit")
        )
        if len(doomed) != len(set(ids)):
            raise ValidationError(_("Some of these assignments no longer exist."))
        _check_units(actor=actor, units=[a.unit for a in doomed])
        pairs = {(a.evaluator_id, a.unit_id) for a in doomed}
        EvaluationAssignment.objects.filter(pk__in=[a.pk for a in doomed]).delete()
        covered = EvaluationAssignment.objects.filter(
            scheme=locked, evaluator_id=OuterRef("evaluator_id"), unit_id=OuterRef("unit_id")
        ).filter(Q(indicator__isnull=True) | Q(indicator_id=OuterRef("indicator_id")))
        affected = Q()
        for evaluator_id, unit_id in pairs:
            affected |= Q(evaluator_id=evaluator_id, unit_id=unit_id)
        scores, _detail = (
            Evaluation.objects.filter(affected, scheme=locked).exclude(Exists(covered)).delete()
        )
    return len(doomed), scores


def evaluations_record(
    *,
    scheme: AssessmentScheme,
    evaluator: AnyUser,
    scores: Sequence[tuple[Unit | int, Indicator | int, Decimal, str]],
) -> int:
    """Record (or correct) an evaluator's scores, all or nothing.

    Each score must be for an assigned unit and indicator of the scheme, between 0 and the
    indicator's maximum; the scheme must be in progress or computed (not yet published).
    """
    if not permissions.can_evaluate(evaluator):
        raise PermissionDenied(_("You may not enter evaluation scores."))
    status = AssessmentScheme.objects.values_list("status", flat=True).get(pk=scheme.pk)
    if status not in SCORING_STATUSES:
        raise ValidationError(_("Scores can only be entered while the assessment is in progress."))
    allowed: dict[int, set[int] | None] = {}
    for unit_id, indicator_id in EvaluationAssignment.objects.filter(
        scheme=scheme, evaluator_id=evaluator.pk
    ).values_list("unit_id", "indicator_id"):
        if indicator_id is None:
            allowed[unit_id] = None  # every indicator
        elif allowed.get(unit_id, set()) is not None:
            allowed.setdefault(unit_id, set()).add(indicator_id)  # type: ignore[union-attr]
    indicators = {i.pk: i for i in scheme.indicators.all()}
    errors: list[str] = []
    rows: list[Evaluation] = []
    for unit, indicator, score, comment in scores:
        unit_id = unit if isinstance(unit, int) else unit.pk
        indicator_id = indicator if isinstance(indicator, int) else indicator.pk
        found = indicators.get(indicator_id)
        if unit_id not in allowed:
            errors.append(_("You are not assigned to evaluate this unit."))
        elif found is None:
            errors.append(_("The indicator is not part of this scheme."))
        elif allowed[unit_id] is not None and indicator_id not in allowed[unit_id]:  # type: ignore[operator]
            errors.append(
                _("You are not assigned to score “%(indicator)s” for this unit.")
                % {"indicator": found.name}
            )
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
