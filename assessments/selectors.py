"""Reads for the annual assessment: rankings, distributions, profiles, trends, lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Floor

from assessments import rule_kinds
from assessments.evidence import with_evidence
from assessments.models import (
    AdjustmentLine,
    AssessmentResult,
    AssessmentScheme,
    Evaluation,
    EvaluationAssignment,
    IndicatorScore,
    RaterToken,
    Survey,
    SurveyDimensionScore,
    SurveyResponse,
)
from units.selectors import unit_scope_q, user_sees_all_units
from units.types import AnyUser

Status = AssessmentScheme.Status

# Which kinds count in the dashboard's two columns: each kind declares it (rule_kinds).
COMPLAINT_KINDS = rule_kinds.kinds_counted_as(rule_kinds.COMPLAINTS)
RECTIFICATION_KINDS = rule_kinds.kinds_counted_as(rule_kinds.RECTIFICATION)


# The codenames live here, where scoping reads them; assessments.permissions builds on them.
MANAGE = "assessments.change_assessmentscheme"
DASHBOARD = "assessments.view_dashboard"


def user_holds(user: AnyUser, perm: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(perm))  # type: ignore[union-attr]


def schemes_visible_to(*, user: AnyUser) -> QuerySet[AssessmentScheme]:
    """Dashboard readers and managers who see every unit see every scheme; nobody else does.

    A scheme ranks the whole county: staff confined to a subtree read their units' results.

    Units read their own published results (results_for_unit_head) and the public the
    public ranking, never a scheme's pages: published schemes are not everyone's to list.
    """
    if (user_holds(user, DASHBOARD) or user_holds(user, MANAGE)) and user_sees_all_units(user=user):
        return AssessmentScheme.objects.all()
    return AssessmentScheme.objects.none()


def results_visible_to(*, user: AnyUser) -> QuerySet[AssessmentResult]:
    """Dashboard readers of the whole county see every result; a unit (and who reads for it,
    staff of a subtree included) its own, published."""
    units_seen = unit_scope_q(user=user, prefix="unit__")
    if user_holds(user, DASHBOARD) and units_seen == Q():
        return AssessmentResult.objects.all()
    # A dashboard reader confined to a subtree reads its units' results, as the units do.
    return AssessmentResult.objects.filter(units_seen, scheme__status=Status.PUBLISHED)


def ranking(*, scheme: AssessmentScheme, group_id: int | None = None) -> QuerySet[AssessmentResult]:
    """Results in rank order with the complaint and rectification figures beside them."""
    qs = AssessmentResult.objects.filter(scheme=scheme).select_related("unit", "group")
    if group_id:
        qs = qs.filter(group_id=group_id).order_by("rank_in_group", "unit__path")
    else:
        qs = qs.order_by("rank_overall", "unit__path")
    return qs


def line_figures(
    *, scheme: AssessmentScheme, unit_ids: list[int] | None = None
) -> dict[int, dict[str, int]]:
    """Per unit: complaint and rectification occurrences behind the deductions (one GROUP BY)."""
    lines = AdjustmentLine.objects.filter(scheme=scheme)
    if unit_ids is not None:
        lines = lines.filter(unit_id__in=unit_ids)
    rows = (
        lines.order_by()
        .values("unit_id")
        .annotate(
            complaints=Count("pk", filter=Q(rule__kind__in=COMPLAINT_KINDS)),
            rectification=Count("pk", filter=Q(rule__kind__in=RECTIFICATION_KINDS)),
            lines=Count("pk"),
        )
    )
    return {row["unit_id"]: row for row in rows}


def grade_distribution(*, scheme: AssessmentScheme) -> list[dict[str, Any]]:
    return list(
        AssessmentResult.objects.filter(scheme=scheme)
        .order_by()
        .values("grade")
        .annotate(count=Count("pk"))
    )


def score_histogram(*, scheme: AssessmentScheme, width: int = 5) -> list[dict[str, Any]]:
    """How many units scored in each band of `width` points (GROUP BY in the database)."""
    rows = (
        AssessmentResult.objects.filter(scheme=scheme)
        .order_by()
        .annotate(band=Floor(F("total") / width) * width)
        .values("band")
        .annotate(count=Count("pk"))
        .order_by("band")
    )
    return [{"band": int(row["band"]), "count": row["count"]} for row in rows]


def summary(*, scheme: AssessmentScheme) -> dict[str, Any]:
    return AssessmentResult.objects.filter(scheme=scheme).aggregate(
        count=Count("pk"),
        average=Avg("total"),
        highest=Max("total"),
        lowest=Min("total"),
        vetoed=Count("pk", filter=Q(veto_excellent=True)),
        commended=Count("pk", filter=Q(commended=True)),
        talks=Count("pk", filter=Q(talk=True)),
    )


def year_trend(*, unit_id: int | None = None, published_only: bool = False) -> list[Any]:
    """Average total per year, or one unit's total and ranks per year."""
    qs = AssessmentResult.objects.order_by().filter(
        scheme__status__in=[Status.PUBLISHED]
        if published_only
        else [Status.COMPUTED, Status.PUBLISHED]
    )
    if unit_id is not None:
        return list(
            qs.filter(unit_id=unit_id)
            .values("scheme__year", "total", "rank_overall", "rank_in_group", "grade")
            .order_by("scheme__year")
        )
    return list(
        qs.values("scheme__year")
        .annotate(average=Avg("total"), count=Count("pk"))
        .order_by("scheme__year")
    )


def dimension_profile(*, scheme: AssessmentScheme, unit_id: int) -> list[dict[str, Any]]:
    """The unit's satisfaction per dimension beside the average of all units (0–100)."""
    own = {
        row["dimension"]: row
        for row in SurveyDimensionScore.objects.filter(scheme=scheme, unit_id=unit_id).values(
            "dimension", "mean", "answers"
        )
    }
    overall = (
        SurveyDimensionScore.objects.filter(scheme=scheme)
        .order_by()
        .values("dimension")
        .annotate(mean=Avg("mean"))
    )
    order = {
        name: sort
        for name, sort in scheme.surveys.order_by("pk").values_list(
            "dimensions__name", "dimensions__sort_order"
        )
        if name
    }
    rows = []
    for row in overall:
        name = row["dimension"]
        mine = own.get(name)
        rows.append(
            {
                "dimension": name,
                "unit": _percent(mine["mean"]) if mine else None,
                "answers": mine["answers"] if mine else 0,
                "average": _percent(row["mean"]),
            }
        )
    return sorted(rows, key=lambda r: order.get(r["dimension"], 99))


def _percent(value: Any) -> Decimal:
    return (Decimal(str(value)) * 100).quantize(Decimal("0.1"))


def result_lines(*, result: AssessmentResult) -> list[AdjustmentLine]:
    """The adjustment lines behind a result, with their rules and evidence objects."""
    return list(
        with_evidence(
            AdjustmentLine.objects.filter(scheme_id=result.scheme_id, unit_id=result.unit_id)
        ).order_by("rule__sort_order", "rule_id", "occurrence")
    )


def result_rule_totals(*, result: AssessmentResult) -> list[dict[str, Any]]:
    return list(
        AdjustmentLine.objects.filter(scheme_id=result.scheme_id, unit_id=result.unit_id)
        .order_by()
        .values("rule_id", "rule__name", "rule__points", "rule__cap", "rule__sign", "rule__veto")
        .annotate(occurrences=Count("pk"), points=Sum("points"))
        .order_by("rule__name")
    )


def result_indicators(*, result: AssessmentResult) -> list[Any]:
    return list(
        IndicatorScore.objects.filter(scheme_id=result.scheme_id, unit_id=result.unit_id)
        .values(
            "indicator__component",
            "indicator__name",
            "indicator__max_points",
            "mean",
            "evaluations",
        )
        .order_by("indicator__component", "indicator__sort_order")
    )


def results_for_unit_head(*, user: AnyUser) -> QuerySet[AssessmentResult]:
    """Published results of the units the user may read."""
    return (
        AssessmentResult.objects.filter(scheme__status=Status.PUBLISHED)
        .filter(unit_scope_q(user=user, prefix="unit__"))
        .select_related("scheme", "unit", "group")
        .order_by("-scheme__year", "unit__path")
    )


def public_ranking(*, year: int) -> tuple[AssessmentScheme | None, QuerySet[AssessmentResult]]:
    scheme = AssessmentScheme.objects.filter(
        year=year, status=Status.PUBLISHED, public_results=True
    ).first()
    if scheme is None:
        return None, AssessmentResult.objects.none()
    return scheme, ranking(scheme=scheme)


def public_years() -> list[int]:
    return list(
        AssessmentScheme.objects.filter(status=Status.PUBLISHED, public_results=True).values_list(
            "year", flat=True
        )
    )


def survey_tallies(*, survey: Survey) -> dict[str, Any]:
    """Codes issued and used per category, votes, and open-mode answers kept apart."""
    per_category = list(
        RaterToken.objects.filter(survey=survey)
        .order_by()
        .values("category_id", "category__name", "category__weight")
        .annotate(issued=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))
        .order_by("category__sort_order")
    )
    responses = SurveyResponse.objects.filter(survey=survey).aggregate(
        token_votes=Count("pk", filter=Q(is_open=False)),
        open_votes=Count("pk", filter=Q(is_open=True)),
        comments=Count("pk", filter=~Q(comment="")),
    )
    open_by_unit = list(
        SurveyResponse.objects.filter(survey=survey, is_open=True)
        .order_by()
        .values("unit__name")
        .annotate(votes=Count("pk"), satisfaction=Avg("answers__option__value"))
        .order_by("unit__name")
    )
    return {"per_category": per_category, "open_by_unit": open_by_unit, **responses}


def feedback_for(*, user: AnyUser) -> QuerySet[SurveyResponse]:
    """意见建议 about the units the user may read (never who wrote them)."""
    return (
        SurveyResponse.objects.exclude(comment="")
        .filter(unit_scope_q(user=user, prefix="unit__"))
        .select_related("survey", "unit")
        .order_by("-submitted_on", "-pk")
    )


def evaluator_units(*, scheme: AssessmentScheme, user: AnyUser) -> list[dict[str, Any]]:
    """The evaluator's assigned units with how many indicators they have scored."""
    total = scheme.indicators.count()
    scored = dict(
        Evaluation.objects.filter(scheme=scheme, evaluator_id=user.pk)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    assignments = (
        EvaluationAssignment.objects.filter(scheme=scheme, evaluator_id=user.pk)
        .select_related("unit", "unit__group")
        .order_by("unit__path")
    )
    return [
        {"unit": a.unit, "scored": scored.get(a.unit_id, 0), "total": total} for a in assignments
    ]


def open_schemes_for_evaluator(*, user: AnyUser) -> QuerySet[AssessmentScheme]:
    return AssessmentScheme.objects.filter(
        status=Status.OPEN, assignments__evaluator_id=user.pk
    ).distinct()
