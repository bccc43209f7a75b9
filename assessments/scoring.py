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
  一票否决       = a rule with the full veto (AdjustmentRule.Veto.FULL): graded 较差 whatever
                   the total and ranked after every unit not vetoed; every veto's rules are
                   named on the result (veto_reason);
  recognition    = commendation for the top places whose grade the scheme allows
                   (commend_min_grade; never a vetoed unit), reminder talk for the bottom
                   places.

Facts are judged on one day (`fact_cutoff`): while the year runs that is today, and a
deadline still to come is never deducted for (the results are provisional, "截至" that day:
AssessmentScheme.facts_through); once the year is over, the whole year.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Round
from django.utils import timezone

from assessments import facts
from assessments.models import (
    GRADE_ORDER,
    AdjustmentLine,
    AdjustmentRule,
    AssessmentResult,
    AssessmentScheme,
    Component,
    Evaluation,
    Grade,
    IndicatorScore,
    RaterCategory,
    RecognitionRule,
    SurveyAnswer,
    SurveyCategoryScore,
    SurveyDimension,
    SurveyDimensionScore,
    SurveyResponse,
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
    model: type[models.Model],
    columns: Mapping[str, str],
    queryset: QuerySet[Any],
    *,
    update_on: Sequence[str] = (),
) -> int:
    """INSERT INTO model (columns) SELECT <aliases> FROM (queryset): one statement.

    With `update_on` (the fields of a unique constraint), a row that already exists is
    updated in place instead (ON CONFLICT … DO UPDATE): it keeps its id.
    """
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    fields: list[Any] = [model._meta.get_field(name) for name in columns]
    target = ", ".join(qn(field.column) for field in fields)
    source = ", ".join(qn(alias) for alias in columns.values())
    upsert = ""
    if update_on:
        keys: list[Any] = [model._meta.get_field(name) for name in update_on]
        changed = ", ".join(
            f"{qn(f.column)} = EXCLUDED.{qn(f.column)}" for f in fields if f not in keys
        )
        # "WHERE 1 = 1": SQLite reads INSERT … SELECT … ON CONFLICT only with a WHERE.
        upsert = (
            f" WHERE 1 = 1 ON CONFLICT ({', '.join(qn(f.column) for f in keys)})"
            f" DO UPDATE SET {changed}"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({target}) "  # noqa: S608 (quoted names)
            f"SELECT {source} FROM ({sql}) zf_source{upsert}",
            params,
        )
        return cursor.rowcount


def fact_cutoff(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day facts are judged on: a deadline has passed when it is before it.

    Today while the year runs (a deadline falling today has not passed yet); 1 January of
    the next year once the year is over (every deadline of the year has passed).
    """
    today = today or timezone.localdate()
    return min(today, datetime.date(year + 1, 1, 1))


def clear(scheme: AssessmentScheme, unit_ids: QuerySet[Any]) -> None:
    """Drop the derived figures; results stay (updated in place) unless their unit left.

    A result's URL is shared and bookmarked: it must answer after every recompute. Only
    the results of units no longer assessed (closed, moved out of the scheme's groups) go.
    """
    for model in (AdjustmentLine, SurveyCategoryScore, SurveyDimensionScore, IndicatorScore):
        model.objects.filter(scheme=scheme).delete()
    AssessmentResult.objects.filter(scheme=scheme).exclude(unit_id__in=unit_ids).delete()


def _survey_answers(scheme: AssessmentScheme, unit_ids: QuerySet[Any]) -> QuerySet[Any]:
    return SurveyAnswer.objects.order_by().filter(
        response__survey__scheme=scheme,
        response__is_open=False,
        response__unit_id__in=unit_ids,
    )


def stage_survey(scheme: AssessmentScheme, unit_ids: QuerySet[Any]) -> None:
    """Category and dimension means from one pass over the answers.

    The answers (millions in a province) are summed once per (unit, category, dimension)
    into a temporary table; both staging tables are grouped from that. A mean is the sum
    over the count, so this gives what AVG over the answers gives.
    """
    cells = (
        _survey_answers(scheme, unit_ids)
        .values(
            x_unit=F("response__unit_id"),
            x_category=F("response__category_id"),
            x_dimension=F("dimension_id"),
        )
        .annotate(x_answers=Count("pk"), x_sum=Sum("option__value"))
    )
    sql, params = cells.query.sql_with_params()
    qn = connection.ops.quote_name
    category_table = qn(SurveyCategoryScore._meta.db_table)
    dimension_table = qn(SurveyDimensionScore._meta.db_table)
    rater_table = qn(RaterCategory._meta.db_table)
    survey_dimension_table = qn(SurveyDimension._meta.db_table)
    # SQLite would divide integer sums of whole-number values as integers: hence * 1.0.
    mean = "ROUND(SUM(zf_c.x_sum) * 1.0 / SUM(zf_c.x_answers), 4)"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS zf_survey_cells")
        cursor.execute(f"CREATE TEMPORARY TABLE zf_survey_cells AS {sql}", params)
        cursor.execute(
            f"INSERT INTO {category_table} (scheme_id, unit_id, category_id, weight, answers, mean)"  # noqa: S608
            f" SELECT %s, zf_c.x_unit, zf_c.x_category, MAX(c.weight), SUM(zf_c.x_answers), {mean}"
            f" FROM zf_survey_cells zf_c JOIN {rater_table} c ON c.id = zf_c.x_category"
            f" GROUP BY zf_c.x_unit, zf_c.x_category",
            [scheme.pk],
        )
        cursor.execute(
            f"INSERT INTO {dimension_table} (scheme_id, unit_id, dimension, answers, mean)"  # noqa: S608
            f" SELECT %s, zf_c.x_unit, d.name, SUM(zf_c.x_answers), {mean}"
            f" FROM zf_survey_cells zf_c JOIN {survey_dimension_table} d ON d.id = zf_c.x_dimension"
            f" GROUP BY zf_c.x_unit, d.name",
            [scheme.pk],
        )
        cursor.execute("DROP TABLE zf_survey_cells")


def stage_evaluations(scheme: AssessmentScheme, unit_ids: QuerySet[Any]) -> None:
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
    scheme: AssessmentScheme,
    unit_ids: QuerySet[Any],
    progress: Progress,
    cutoff: datetime.date | None = None,
) -> None:
    ctx = facts.FactContext(
        year=scheme.year,
        cutoff=cutoff or fact_cutoff(scheme.year),
        unit_ids=unit_ids,
        complaint_unit=scheme.complaint_unit,
    )
    rules = list(scheme.adjustment_rules.order_by("sort_order", "pk"))
    for index, rule in enumerate(rules):
        # A source with nothing to count yet (a deadline still to come) gives .none().
        found = [f for f in facts.facts_for(rule, ctx) if not f.queryset.query.is_empty()]
        if found:
            insert_lines(scheme, rule, found, unit_ids)
        progress(30 + 40 * (index + 1) // max(len(rules), 1), "adjustments")


def insert_lines(
    scheme: AssessmentScheme,
    rule: AdjustmentRule,
    found: list[facts.Facts],
    unit_ids: QuerySet[Any],
) -> int:
    """One rule's lines in one INSERT … SELECT, numbered and capped as they are written.

    Occurrence n of a unit (ordered by date, then evidence) earns the rule's points, or
    once n × points passes the cap, what is left of the cap (never below 0). Numbering
    and capping in the same statement means no line is written twice.
    """
    branches, params = [], []
    for source in found:
        content_type = ContentType.objects.get_for_model(source.model)
        rows = source.queryset.order_by().filter(x_unit__in=unit_ids)
        sql, source_params = rows.values("x_unit", "x_evidence", "x_date").query.sql_with_params()
        branches.append(
            "SELECT zf_f.x_unit, zf_f.x_evidence, zf_f.x_date, %s AS x_type"  # noqa: S608
            f" FROM ({sql}) zf_f"
        )
        params.extend([content_type.pk, *source_params])
    points = rule.points
    cap = rule.cap
    sign = int(rule.sign)
    # Decimals as NUMERIC: SQLite (the trial database) is handed them as text otherwise.
    d = "CAST(%s AS NUMERIC)"
    if cap is None:
        earned, capped = d, "0 = 1"
        earned_params: list[Any] = [points * sign]
    else:
        # Written without GREATEST so that SQLite runs it too.
        earned = (
            f"CASE WHEN zf_n.n * {d} <= {d} THEN {d}"
            f" WHEN {d} - (zf_n.n - 1) * {d} > 0 THEN ({d} - (zf_n.n - 1) * {d}) * %s"
            " ELSE 0 END"
        )
        earned_params = [points, cap, points * sign, cap, points, cap, points, sign]
        capped = f"zf_n.n * {d} > {d}"
        earned_params += [points, cap]
    table = connection.ops.quote_name(AdjustmentLine._meta.db_table)
    sql = (
        f"INSERT INTO {table} (scheme_id, unit_id, rule_id, evidence_type_id, evidence_id,"  # noqa: S608
        f" evidence_date, occurrence, points, capped)"
        f" SELECT %s, zf_n.x_unit, %s, zf_n.x_type, zf_n.x_evidence, zf_n.x_date, zf_n.n,"
        f" {earned}, {capped}"
        f" FROM (SELECT zf_u.*, ROW_NUMBER() OVER ("
        f"  PARTITION BY zf_u.x_unit ORDER BY zf_u.x_date, zf_u.x_evidence) AS n"
        f"  FROM ({' UNION ALL '.join(branches)}) zf_u) zf_n"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [scheme.pk, rule.pk, *earned_params, *params])
        return cursor.rowcount


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
    weights = scheme.weights
    rows = units.annotate(
        x_scheme=Value(scheme.pk),
        x_unit=F("pk"),
        x_group=F("group_id"),
        x_survey=Round(Coalesce(survey_mean, ZERO) * Value(base), 2, output_field=DEC),
        x_special=share(Component.SPECIAL),
        x_org=share(Component.ORGANISATIONAL),
    )
    rows = rows.annotate(
        x_zero=ZERO,
        x_one=Value(1),
        x_blank=Value(""),
        x_false=Value(False),
        x_null=Cast(Value(None), output_field=models.IntegerField()),
    )
    # Every figure a run derives is reset here, so a result updated in place carries
    # nothing over from the previous run.
    insert_select(
        AssessmentResult,
        {
            "scheme": "x_scheme",
            "unit": "x_unit",
            "group": "x_group",
            "survey_score": "x_survey",
            "special_score": "x_special",
            "organisational_score": "x_org",
            "composite": "x_zero",
            "adjustments": "x_zero",
            "total": "x_zero",
            "tied_with": "x_one",
            "grade": "x_blank",
            "veto_excellent": "x_false",
            "vetoed": "x_false",
            "veto_reason": "x_blank",
            "no_promotion": "x_false",
            "commended": "x_false",
            "talk": "x_false",
            "rank_overall": "x_null",
            "rank_in_group": "x_null",
            "group_size": "x_null",
            "rank_from_bottom": "x_null",
            "rank_from_bottom_in_group": "x_null",
        },
        rows,
        update_on=("scheme", "unit"),
    )
    _apply_lines(scheme)
    # The weighted score and the total from the stored components, in a second statement:
    # written into the INSERT they would repeat every component subquery per unit.
    composite = Round(
        ExactDiv(
            F("survey_score") * Value(weights[Component.SURVEY])
            + F("special_score") * Value(weights[Component.SPECIAL])
            + F("organisational_score") * Value(weights[Component.ORGANISATIONAL]),
            Value(Decimal("100")),
        ),
        2,
        output_field=DEC,
    )
    AssessmentResult.objects.filter(scheme=scheme).update(
        composite=composite,
        total=ExpressionWrapper(composite + F("adjustments"), output_field=DEC),
    )


def _apply_lines(scheme: AssessmentScheme) -> None:
    """Each unit's sum of adjustment lines and its vetoes, from one GROUP BY over the lines.

    (Correlated per unit, the same figures cost one index walk per unit and figure.)
    """
    qn = connection.ops.quote_name
    results = qn(AssessmentResult._meta.db_table)
    lines = qn(AdjustmentLine._meta.db_table)
    rules = qn(AdjustmentRule._meta.db_table)
    Veto = AdjustmentRule.Veto
    # Every veto closes 优秀; the full one also grades and ranks (grade, rank).
    veto = [Veto.EXCELLENT.value, Veto.EXCELLENT_NO_PROMOTION.value, Veto.FULL.value]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {results} SET adjustments = zf_s.points,"  # noqa: S608 (quoted names)
            f" veto_excellent = (zf_s.veto = 1), no_promotion = (zf_s.no_promotion = 1),"
            f" vetoed = (zf_s.vetoed = 1)"
            f" FROM (SELECT l.unit_id, ROUND(SUM(l.points), 2) AS points,"
            f"  MAX(CASE WHEN r.veto IN (%s, %s, %s) THEN 1 ELSE 0 END) AS veto,"
            f"  MAX(CASE WHEN r.veto = %s THEN 1 ELSE 0 END) AS no_promotion,"
            f"  MAX(CASE WHEN r.veto = %s THEN 1 ELSE 0 END) AS vetoed"
            f"  FROM {lines} l JOIN {rules} r ON r.id = l.rule_id WHERE l.scheme_id = %s"
            f"  GROUP BY l.unit_id) zf_s"
            f" WHERE {results}.scheme_id = %s AND {results}.unit_id = zf_s.unit_id",
            [*veto, Veto.EXCELLENT_NO_PROMOTION.value, Veto.FULL.value, scheme.pk, scheme.pk],
        )
    _name_vetoes(scheme)


def _name_vetoes(scheme: AssessmentScheme) -> None:
    """Each vetoed result names the rules that vetoed it: one UPDATE per veto rule."""
    results = AssessmentResult.objects.filter(scheme=scheme)
    for rule in scheme.adjustment_rules.exclude(veto="").order_by("sort_order", "pk"):
        hit = AdjustmentLine.objects.filter(scheme=scheme, rule=rule).values("unit_id")
        results.filter(unit_id__in=hit).update(
            veto_reason=Case(
                When(veto_reason="", then=Value(rule.name)),
                default=Concat(F("veto_reason"), Value("；"), Value(rule.name)),
                output_field=models.TextField(),
            )
        )


def rank(scheme: AssessmentScheme) -> None:
    """Ranks by total; a unit under the full veto after every unit not vetoed."""
    table = connection.ops.quote_name(AssessmentResult._meta.db_table)
    # A vetoed unit sorts after the others whatever its total (vetoed: false < true).
    down, up = "vetoed ASC, total DESC", "vetoed DESC, total ASC"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET rank_overall = r.ro, rank_in_group = r.rg, group_size = r.gs,"  # noqa: S608
            f" tied_with = r.tw, rank_from_bottom = r.rb, rank_from_bottom_in_group = r.rbg"
            f" FROM (SELECT id,"
            f"  RANK() OVER (ORDER BY {down}) AS ro,"
            f"  RANK() OVER (PARTITION BY group_id ORDER BY {down}) AS rg,"
            f"  COUNT(*) OVER (PARTITION BY group_id) AS gs,"
            f"  COUNT(*) OVER (PARTITION BY vetoed, total) AS tw,"
            f"  RANK() OVER (ORDER BY {up}) AS rb,"
            f"  RANK() OVER (PARTITION BY group_id ORDER BY {up}) AS rbg"
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
        # The full veto grades 较差 whatever the total.
        condition = Q(grade="", vetoed=False)
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
    # Only a grade the scheme allows is commended (a 一般 unit in a small group's top three
    # is not), and never a unit under any veto.
    results.filter(commend, veto_excellent=False, grade__in=scheme.commend_grades).update(
        commended=True
    )
    results.filter(talk).update(talk=True)


def inputs(scheme: AssessmentScheme) -> dict[str, Any]:
    """The scheme's own inputs as a fingerprint: how many survey responses and evaluations,
    and when an evaluation last changed. Responses carry no time (anonymity), so a vote shows
    as a change of count; surveys only ever add responses."""
    evaluations = Evaluation.objects.filter(scheme=scheme).aggregate(
        count=models.Count("pk"), changed=models.Max("updated_at")
    )
    return {
        "responses": SurveyResponse.objects.filter(survey__scheme=scheme).count(),
        "evaluations": evaluations["count"],
        "evaluations_changed": (
            evaluations["changed"].isoformat() if evaluations["changed"] else None
        ),
    }


def compute(
    scheme: AssessmentScheme, progress: Progress, cutoff: datetime.date | None = None
) -> int:
    """Recompute the scheme's results in place, the facts judged on `cutoff` (fact_cutoff
    by default, recorded on the scheme); returns the number of units ranked."""
    cutoff = cutoff or fact_cutoff(scheme.year)
    # Read before anything else: a vote that lands during the run shows as a change later.
    seen = inputs(scheme)
    units = assessed_units(scheme)
    unit_ids = units.values("pk")
    clear(scheme, unit_ids)
    progress(10, "survey")
    stage_survey(scheme, unit_ids)
    progress(20, "evaluations")
    stage_evaluations(scheme, unit_ids)
    progress(30, "adjustments")
    stage_adjustments(scheme, unit_ids, progress, cutoff)
    progress(75, "results")
    insert_results(scheme, units)
    progress(85, "ranks")
    rank(scheme)
    grade(scheme)
    recognise(scheme)
    # The lines were just replaced wholesale: fresh statistics, or the dashboard's per-page
    # figures are planned for the old table (PostgreSQL and SQLite both understand this).
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(AdjustmentLine._meta.db_table)}")
    AssessmentScheme.objects.filter(pk=scheme.pk).update(facts_as_of=cutoff, computed_inputs=seen)
    scheme.facts_as_of, scheme.computed_inputs = cutoff, seen
    progress(95, "done")
    return AssessmentResult.objects.filter(scheme=scheme).count()
