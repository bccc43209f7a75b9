"""Scoring a scheme set-based in the database.

Every step is one statement over all units (INSERT … SELECT with GROUP BY, UPDATE … FROM
a window query), so the number of queries depends on the number of rules, grade rules
and deliverables, never on the number of units. The caller runs `compute` inside one
transaction: a crash leaves the previous results in place.

How a total is made (and explained on the result page):
  component scores, each on the base scale (100):
    mass survey     = base × Σ_c(weight_c × mean_c) / Σ_c weight_c over rater categories c
                      that answered, mean_c = mean value of the category's answers (0–1);
                      open-mode answers are never counted;
    special/organisational = base × Σ_i mean_i / Σ_i max_points_i over the component's
                      indicators i, mean_i = mean of the evaluators' scores;
  weighted score = Σ component × weight% / 100;
  total          = weighted score + Σ adjustment lines (signed, each rule capped);
  ranks          = RANK() by total, overall and within the assessment group (ties share
                   a rank; the next rank is skipped);
  grade          = the best grade whose threshold and share the unit meets (excellent is
                   closed to vetoed units); the rest 较差;
  recognition    = commendation for the top places (not for vetoed units), reminder talk
                   for the bottom places.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Round
from django.utils import timezone

from assessments import facts
from assessments.models import (
    GRADE_ORDER,
    AdjustmentLine,
    AdjustmentRule,
    AssessmentResult,
    AssessmentScheme,
    Component,
    Grade,
    IndicatorScore,
    RecognitionRule,
    SurveyAnswer,
    SurveyCategoryScore,
    SurveyDimensionScore,
)
from units.models import Unit

DEC: DecimalField[Any, Any] = DecimalField(max_digits=12, decimal_places=4)
ZERO = Value(Decimal("0"), output_field=DEC)


class ExactDiv(Func):
    """a / b that stays exact on SQLite too.

    SQLite stores whole decimals as integers, Django casts decimal expressions there with
    CAST(… AS NUMERIC) (which keeps integers integer), and integer division truncates:
    multiplying by the literal 1.0 inside the division makes it real division there and
    changes nothing on PostgreSQL's numeric.
    """

    arg_joiner = " * 1.0 / "
    template = "(%(expressions)s)"
    output_field = DEC


Progress = Callable[[int, str], None]


def assessed_units(scheme: AssessmentScheme) -> QuerySet[Unit]:
    """Active units in the scheme's assessment groups (any group if none is chosen)."""
    units = Unit.objects.order_by().filter(status=Unit.Status.ACTIVE, group__isnull=False)
    group_ids = list(scheme.groups.values_list("pk", flat=True))
    return units.filter(group_id__in=group_ids) if group_ids else units


def insert_select(
    model: type[models.Model], columns: Mapping[str, str], queryset: QuerySet[Any]
) -> int:
    """INSERT INTO model (columns) SELECT <aliases> FROM (queryset): one statement."""
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    fields: list[Any] = [model._meta.get_field(name) for name in columns]
    target = ", ".join(qn(field.column) for field in fields)
    source = ", ".join(qn(alias) for alias in columns.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({target}) "  # noqa: S608 (quoted names)
            f"SELECT {source} FROM ({sql}) zf_source",
            params,
        )
        return cursor.rowcount


def fact_cutoff(year: int) -> Any:
    today = timezone.localdate()
    return min(today, today.replace(year=year, month=12, day=31))


def clear(scheme: AssessmentScheme) -> None:
    for model in (
        AdjustmentLine,
        AssessmentResult,
        SurveyCategoryScore,
        SurveyDimensionScore,
        IndicatorScore,
    ):
        model.objects.filter(scheme=scheme).delete()


def _survey_answers(scheme: AssessmentScheme, unit_ids: QuerySet[Any]) -> QuerySet[Any]:
    return SurveyAnswer.objects.order_by().filter(
        response__survey__scheme=scheme,
        response__is_open=False,
        response__unit_id__in=unit_ids,
    )


def stage_survey(scheme: AssessmentScheme, unit_ids: QuerySet[Any]) -> None:
    answers = _survey_answers(scheme, unit_ids)
    per_category = (
        answers.annotate(x_unit=F("response__unit_id"), x_category=F("response__category_id"))
        .values("x_unit", "x_category")
        .annotate(
            x_answers=Count("pk"),
            x_mean=Round(Avg("option__value", output_field=DEC), 4, output_field=DEC),
            x_weight=Max("response__category__weight"),
            x_scheme=Value(scheme.pk),
        )
    )
    insert_select(
        SurveyCategoryScore,
        {
            "scheme": "x_scheme",
            "unit": "x_unit",
            "category": "x_category",
            "weight": "x_weight",
            "answers": "x_answers",
            "mean": "x_mean",
        },
        per_category,
    )
    per_dimension = (
        answers.annotate(x_unit=F("response__unit_id"), x_dimension=F("dimension__name"))
        .values("x_unit", "x_dimension")
        .annotate(
            x_answers=Count("pk"),
            x_mean=Round(Avg("option__value", output_field=DEC), 4, output_field=DEC),
            x_scheme=Value(scheme.pk),
        )
    )
    insert_select(
        SurveyDimensionScore,
        {
            "scheme": "x_scheme",
            "unit": "x_unit",
            "dimension": "x_dimension",
            "answers": "x_answers",
            "mean": "x_mean",
        },
        per_dimension,
    )


def stage_evaluations(scheme: AssessmentScheme, unit_ids: QuerySet[Any]) -> None:
    from assessments.models import Evaluation

    per_indicator = (
        Evaluation.objects.order_by()
        .filter(scheme=scheme, unit_id__in=unit_ids)
        .annotate(x_unit=F("unit_id"), x_indicator=F("indicator_id"))
        .values("x_unit", "x_indicator")
        .annotate(
            x_evaluations=Count("pk"),
            x_mean=Round(Avg("score", output_field=DEC), 4, output_field=DEC),
            x_scheme=Value(scheme.pk),
        )
    )
    insert_select(
        IndicatorScore,
        {
            "scheme": "x_scheme",
            "unit": "x_unit",
            "indicator": "x_indicator",
            "evaluations": "x_evaluations",
            "mean": "x_mean",
        },
        per_indicator,
    )


def stage_adjustments(
    scheme: AssessmentScheme, unit_ids: QuerySet[Any], progress: Progress
) -> None:
    ctx = facts.FactContext(year=scheme.year, cutoff=fact_cutoff(scheme.year), unit_ids=unit_ids)
    facts.reset_table_cache()
    rules = list(scheme.adjustment_rules.order_by("sort_order", "pk"))
    for index, rule in enumerate(rules):
        points = rule.points * rule.sign
        for found in facts.facts_for(rule, ctx):
            content_type = ContentType.objects.get_for_model(found.model)
            rows = (
                found.queryset.order_by()
                .filter(x_unit__in=unit_ids)
                .annotate(
                    x_scheme=Value(scheme.pk),
                    x_rule=Value(rule.pk),
                    x_type=Value(content_type.pk),
                    x_occurrence=Value(0),
                    x_points=Value(points, output_field=DEC),
                    x_capped=Value(False),
                )
            )
            insert_select(
                AdjustmentLine,
                {
                    "scheme": "x_scheme",
                    "unit": "x_unit",
                    "rule": "x_rule",
                    "evidence_type": "x_type",
                    "evidence_id": "x_evidence",
                    "evidence_date": "x_date",
                    "occurrence": "x_occurrence",
                    "points": "x_points",
                    "capped": "x_capped",
                },
                rows,
            )
        progress(30 + 40 * (index + 1) // max(len(rules), 1), "adjustments")
    _number_occurrences(scheme)
    for rule in rules:
        if rule.cap is None:
            continue
        # Occurrence n of a rule earns min(points, cap − (n−1)·points), never below 0.
        remaining = ExpressionWrapper(
            Value(rule.cap) - (F("occurrence") - 1) * Value(rule.points), output_field=DEC
        )
        AdjustmentLine.objects.filter(scheme=scheme, rule=rule, occurrence__gt=0).annotate(
            x_reach=F("occurrence") * Value(rule.points)
        ).filter(x_reach__gt=rule.cap).update(
            points=Greatest(ZERO, remaining) * Value(rule.sign),
            capped=True,
        )


def _number_occurrences(scheme: AssessmentScheme) -> None:
    table = connection.ops.quote_name(AdjustmentLine._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET occurrence = numbered.n FROM ("  # noqa: S608 (quoted names)
            f"  SELECT id, ROW_NUMBER() OVER ("
            f"    PARTITION BY rule_id, unit_id ORDER BY evidence_date, evidence_id"
            f"  ) AS n FROM {table} WHERE scheme_id = %s"
            f") numbered WHERE {table}.id = numbered.id",
            [scheme.pk],
        )


def _max_points(scheme: AssessmentScheme) -> dict[str, Decimal]:
    rows = scheme.indicators.order_by().values("component").annotate(total=Sum("max_points"))
    return {row["component"]: row["total"] for row in rows}


def insert_results(scheme: AssessmentScheme, units: QuerySet[Unit]) -> None:
    base = scheme.base_score
    max_points = _max_points(scheme)

    def share(component: str) -> Any:
        maximum = max_points.get(component)
        if not maximum:
            return ZERO
        points = Subquery(
            IndicatorScore.objects.order_by()
            .filter(scheme=scheme, unit_id=OuterRef("pk"), indicator__component=component)
            .values("unit_id")
            .annotate(s=Sum("mean"))
            .values("s"),
            output_field=DEC,
        )
        return Round(
            ExactDiv(Coalesce(points, ZERO) * Value(base), Value(maximum)), 2, output_field=DEC
        )

    survey_mean = Subquery(
        SurveyCategoryScore.objects.order_by()
        .filter(scheme=scheme, unit_id=OuterRef("pk"))
        .values("unit_id")
        .annotate(s=ExactDiv(Sum(F("weight") * F("mean")), Sum("weight")))
        .values("s"),
        output_field=DEC,
    )
    adjustments = Subquery(
        AdjustmentLine.objects.order_by()
        .filter(scheme=scheme, unit_id=OuterRef("pk"))
        .values("unit_id")
        .annotate(s=Sum("points"))
        .values("s"),
        output_field=DEC,
    )

    def vetoed(*vetoes: str) -> Exists:
        return Exists(
            AdjustmentLine.objects.filter(
                scheme=scheme, unit_id=OuterRef("pk"), rule__veto__in=vetoes
            )
        )

    weights = scheme.weights
    rows = units.annotate(
        x_scheme=Value(scheme.pk),
        x_unit=F("pk"),
        x_group=F("group_id"),
        x_survey=Round(Coalesce(survey_mean, ZERO) * Value(base), 2, output_field=DEC),
        x_special=share(Component.SPECIAL),
        x_org=share(Component.ORGANISATIONAL),
    ).annotate(
        x_composite=Round(
            ExactDiv(
                F("x_survey") * Value(weights[Component.SURVEY])
                + F("x_special") * Value(weights[Component.SPECIAL])
                + F("x_org") * Value(weights[Component.ORGANISATIONAL]),
                Value(Decimal("100")),
            ),
            2,
            output_field=DEC,
        ),
        x_adjustments=Round(Coalesce(adjustments, ZERO), 2, output_field=DEC),
    )
    rows = rows.annotate(
        x_total=ExpressionWrapper(F("x_composite") + F("x_adjustments"), output_field=DEC),
        x_veto=vetoed(AdjustmentRule.Veto.EXCELLENT, AdjustmentRule.Veto.EXCELLENT_NO_PROMOTION),
        x_no_promotion=vetoed(AdjustmentRule.Veto.EXCELLENT_NO_PROMOTION),
        x_one=Value(1),
        x_blank=Value(""),
        x_false=Value(False),
    )
    insert_select(
        AssessmentResult,
        {
            "scheme": "x_scheme",
            "unit": "x_unit",
            "group": "x_group",
            "survey_score": "x_survey",
            "special_score": "x_special",
            "organisational_score": "x_org",
            "composite": "x_composite",
            "adjustments": "x_adjustments",
            "total": "x_total",
            "tied_with": "x_one",
            "grade": "x_blank",
            "veto_excellent": "x_veto",
            "no_promotion": "x_no_promotion",
            "commended": "x_false",
            "talk": "x_false",
        },
        rows,
    )


def rank(scheme: AssessmentScheme) -> None:
    table = connection.ops.quote_name(AssessmentResult._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET rank_overall = r.ro, rank_in_group = r.rg, group_size = r.gs,"  # noqa: S608
            f" tied_with = r.tw, rank_from_bottom = r.rb, rank_from_bottom_in_group = r.rbg"
            f" FROM (SELECT id,"
            f"  RANK() OVER (ORDER BY total DESC) AS ro,"
            f"  RANK() OVER (PARTITION BY group_id ORDER BY total DESC) AS rg,"
            f"  COUNT(*) OVER (PARTITION BY group_id) AS gs,"
            f"  COUNT(*) OVER (PARTITION BY total) AS tw,"
            f"  RANK() OVER (ORDER BY total ASC) AS rb,"
            f"  RANK() OVER (PARTITION BY group_id ORDER BY total ASC) AS rbg"
            f" FROM {table} WHERE scheme_id = %s) r WHERE {table}.id = r.id",
            [scheme.pk],
        )


def share_cutoff(count: int, share: Decimal) -> int:
    """How many places a share of `count` units gives (rounded down)."""
    return math.floor(count * share / Decimal("100"))


def grade(scheme: AssessmentScheme) -> None:
    results = AssessmentResult.objects.filter(scheme=scheme)
    count = results.count()
    rules = {rule.grade: rule for rule in scheme.grade_rules.all()}
    for g in GRADE_ORDER[:-1]:
        rule = rules.get(g)
        if rule is None:
            continue
        condition = Q(grade="")
        if rule.min_total is not None:
            condition &= Q(total__gte=rule.min_total)
        if rule.max_share is not None:
            condition &= Q(rank_overall__lte=share_cutoff(count, rule.max_share))
        if g == Grade.EXCELLENT:
            condition &= Q(veto_excellent=False)
        results.filter(condition).update(grade=g)
    results.filter(grade="").update(grade=Grade.POOR)


def recognise(scheme: AssessmentScheme) -> None:
    results = AssessmentResult.objects.filter(scheme=scheme)
    commend, talk = Q(pk__in=[]), Q(pk__in=[])
    for rule in scheme.recognition_rules.all():
        group = rule.scope == RecognitionRule.Scope.GROUP
        if rule.kind == RecognitionRule.Kind.COMMEND:
            commend |= Q(**{"rank_in_group__lte" if group else "rank_overall__lte": rule.count})
        else:
            field = "rank_from_bottom_in_group__lte" if group else "rank_from_bottom__lte"
            talk |= Q(**{field: rule.count})
    results.filter(commend, veto_excellent=False).update(commended=True)
    results.filter(talk).update(talk=True)


def compute(scheme: AssessmentScheme, progress: Progress) -> int:
    """Replace the scheme's results; returns the number of units ranked."""
    units = assessed_units(scheme)
    unit_ids = units.values("pk")
    clear(scheme)
    progress(10, "survey")
    stage_survey(scheme, unit_ids)
    progress(20, "evaluations")
    stage_evaluations(scheme, unit_ids)
    progress(30, "adjustments")
    stage_adjustments(scheme, unit_ids, progress)
    progress(75, "results")
    insert_results(scheme, units)
    progress(85, "ranks")
    rank(scheme)
    grade(scheme)
    recognise(scheme)
    progress(95, "done")
    return AssessmentResult.objects.filter(scheme=scheme).count()
