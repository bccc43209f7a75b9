"""Scoring a scheme set-based in the database.

Every step is one statement over all units (INSERT … SELECT with GROUP BY and window
functions, UPDATE … WHERE), so the number of queries depends on the number of rules, grade
rules and deliverables, never on the number of units. The caller runs `compute` inside one
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
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Concat, Round
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
    Indicator,
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


# ScaleOption.value has two decimals: the staging counts in whole hundredths.
HUNDREDTHS = 100


def stage_survey(scheme: AssessmentScheme, unit_ids: QuerySet[Any]) -> None:
    """Category and dimension means from one pass over the answers.

    The answers (millions in a province) are counted once per (unit, category) into a
    temporary table, with a count per dimension and choice side by side: a survey has a
    handful of dimensions and choices, so this is one row per unit and category instead of
    one per unit, category and dimension, and its counters are plain integers (a numeric
    SUM per dimension kept 50 000 groups of numeric states, which spilled to disk in
    batches). Each dimension's answers are its counts added up and its sum the counts times
    the choices' values, in hundredths (ScaleOption.value has two decimals), so the means
    are exact: what AVG over the answers gives. The category means are read from its rows,
    the dimension means from its columns.
    """
    # The dimensions with their survey's choices (a few dozen rows), in one read.
    dimensions: dict[int, tuple[str, int]] = {}
    options: dict[int, dict[int, int]] = {}  # survey → choice → value in hundredths
    for pk, name, survey_id, option, value in (
        SurveyDimension.objects.filter(survey__scheme=scheme)
        .order_by("pk", "survey__scale__pk")
        .values_list("pk", "name", "survey_id", "survey__scale__pk", "survey__scale__value")
    ):
        dimensions[pk] = (name, survey_id)
        if option is not None:
            options.setdefault(survey_id, {})[option] = int(value * HUNDREDTHS)
    if not dimensions:
        return
    per_choice: dict[str, Any] = {}
    counted, summed = [], []
    for pk, (_name, survey_id) in dimensions.items():
        choices = sorted((options.get(survey_id) or {}).items())
        for option, _value in choices:
            per_choice[f"x_c{pk}_{option}"] = Count(
                "pk", filter=Q(dimension_id=pk, option_id=option)
            )
        counted.append(" + ".join([f"x_c{pk}_{o}" for o, _v in choices] or ["0"]) + f" AS x_n{pk}")
        summed.append(
            " + ".join([f"x_c{pk}_{o} * {v}" for o, v in choices] or ["0"]) + f" AS x_s{pk}"
        )
    cells = (
        _survey_answers(scheme, unit_ids)
        .values(x_unit=F("response__unit_id"), x_category=F("response__category_id"))
        .annotate(**per_choice)
    )
    sql, params = cells.query.sql_with_params()
    qn = connection.ops.quote_name
    category_table = qn(SurveyCategoryScore._meta.db_table)
    dimension_table = qn(SurveyDimensionScore._meta.db_table)
    rater_table = qn(RaterCategory._meta.db_table)
    answers = " + ".join(f"zf_c.x_n{pk}" for pk in dimensions)
    total = " + ".join(f"zf_c.x_s{pk}" for pk in dimensions)
    # One arm per dimension: (unit, dimension name, answers, sum) where it was answered.
    arms = " UNION ALL ".join(
        f"SELECT zf_c.x_unit AS x_unit, %s AS x_name, zf_c.x_n{pk} AS x_answers,"  # noqa: S608
        f" zf_c.x_s{pk} AS x_sum FROM zf_survey_cells zf_c WHERE zf_c.x_n{pk} > 0"
        for pk in dimensions
    )
    # The sums are whole hundredths: * 1.0 makes the division exact (numeric on
    # PostgreSQL; SQLite would divide integers as integers).
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS zf_survey_cells")
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # A province's 50 000 groups of counters take some 30 MB per worker: with the
            # default 4 MB they are hashed in batches spilled to disk (3.1 s against 2.1).
            # For this transaction only (scoring runs in one): pages keep the default.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            "CREATE TEMPORARY TABLE zf_survey_cells AS"  # noqa: S608
            f" SELECT x_unit, x_category, {', '.join(counted + summed)} FROM ({sql}) zf_raw",
            params,
        )
        cursor.execute(
            f"INSERT INTO {category_table} (scheme_id, unit_id, category_id, weight, answers, mean)"  # noqa: S608
            f" SELECT %s, zf_c.x_unit, zf_c.x_category, c.weight, {answers},"
            f" ROUND(({total}) * 1.0 / (({answers}) * {HUNDREDTHS}), 4)"
            f" FROM zf_survey_cells zf_c JOIN {rater_table} c ON c.id = zf_c.x_category"
            f" WHERE {answers} > 0",
            [scheme.pk],
        )
        cursor.execute(
            f"INSERT INTO {dimension_table} (scheme_id, unit_id, dimension, answers, mean)"  # noqa: S608
            f" SELECT %s, zf_d.x_unit, zf_d.x_name, SUM(zf_d.x_answers),"
            f" ROUND(SUM(zf_d.x_sum) * 1.0 / (SUM(zf_d.x_answers) * {HUNDREDTHS}), 4)"
            f" FROM ({arms}) zf_d GROUP BY zf_d.x_unit, zf_d.x_name",
            [scheme.pk, *(name for name, _survey in dimensions.values())],
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


RESULT_COLUMNS = [
    "scheme",
    "unit",
    "group",
    "survey_score",
    "special_score",
    "organisational_score",
    "composite",
    "adjustments",
    "total",
    "veto_excellent",
    "no_promotion",
    "vetoed",
    "veto_reason",
    "grade",
    "commended",
    "talk",
    "tied_with",
    "rank_overall",
    "rank_in_group",
    "group_size",
    "rank_from_bottom",
    "rank_from_bottom_in_group",
]


def insert_results(scheme: AssessmentScheme, units: QuerySet[Unit]) -> None:
    """Every assessed unit's result, scored, totalled and ranked, in one upsert.

    Each unit's staged figures and lines are grouped once and joined (correlated per
    unit, they cost an index walk per unit and figure); the weighted score and the total
    come from the components as rounded for storage, and the ranks from the totals with
    window functions over the same rows, a unit under the full veto after every unit not
    vetoed (vetoed: false < true). Every figure a run derives is reset here, so a result
    updated in place carries nothing over from the previous run.
    """
    qn = connection.ops.quote_name
    base = scheme.base_score
    weights = scheme.weights
    max_points = _max_points(scheme)
    Veto = AdjustmentRule.Veto
    # Decimals as NUMERIC: SQLite (the trial database) is handed them as text otherwise.
    # SQLite stores whole decimals as integers and CAST(… AS NUMERIC) keeps them integer,
    # so every division multiplies by 1.0 first (real division there, no change to
    # PostgreSQL's numeric).
    d = "CAST(%s AS NUMERIC)"

    def share(component: str) -> tuple[str, list[Any]]:
        maximum = max_points.get(component)
        if not maximum:
            return "0", []
        points = f"COALESCE(zf_i.{component}, 0)"
        return f"ROUND(({points} * {d}) * 1.0 / {d}, 2)", [base, maximum]

    unit_sql, unit_params = units.values(
        x_unit=F("pk"), x_group=F("group_id")
    ).query.sql_with_params()
    special, special_params = share(Component.SPECIAL)
    organisational, organisational_params = share(Component.ORGANISATIONAL)
    scores = (
        f"SELECT zf_u.x_unit AS unit_id, zf_u.x_group AS group_id,"  # noqa: S608 (quoted names)
        f" ROUND(COALESCE(zf_s.mean, 0) * {d}, 2) AS survey_score,"
        f" {special} AS special_score, {organisational} AS organisational_score,"
        f" COALESCE(zf_l.points, 0) AS adjustments,"
        f" COALESCE(zf_l.veto, 0) = 1 AS veto_excellent,"
        f" COALESCE(zf_l.no_promotion, 0) = 1 AS no_promotion,"
        f" COALESCE(zf_l.vetoed, 0) = 1 AS vetoed"
        f" FROM ({unit_sql}) zf_u"
        f" LEFT JOIN (SELECT unit_id, SUM(weight * mean) * 1.0 / SUM(weight) AS mean"
        f"  FROM {qn(SurveyCategoryScore._meta.db_table)} WHERE scheme_id = %s"
        f"  GROUP BY unit_id) zf_s ON zf_s.unit_id = zf_u.x_unit"
        f" LEFT JOIN (SELECT x.unit_id,"
        f"  SUM(CASE WHEN i.component = %s THEN x.mean END) AS {Component.SPECIAL},"
        f"  SUM(CASE WHEN i.component = %s THEN x.mean END) AS {Component.ORGANISATIONAL}"
        f"  FROM {qn(IndicatorScore._meta.db_table)} x"
        f"  JOIN {qn(Indicator._meta.db_table)} i ON i.id = x.indicator_id"
        f"  WHERE x.scheme_id = %s GROUP BY x.unit_id) zf_i ON zf_i.unit_id = zf_u.x_unit"
        # Each unit's sum of lines and its vetoes: every veto closes 优秀, the full one also
        # grades and ranks (grade, rank).
        f" LEFT JOIN (SELECT l.unit_id, ROUND(SUM(l.points), 2) AS points,"
        f"  MAX(CASE WHEN r.veto IN (%s, %s, %s) THEN 1 ELSE 0 END) AS veto,"
        f"  MAX(CASE WHEN r.veto = %s THEN 1 ELSE 0 END) AS no_promotion,"
        f"  MAX(CASE WHEN r.veto = %s THEN 1 ELSE 0 END) AS vetoed"
        f"  FROM {qn(AdjustmentLine._meta.db_table)} l"
        f"  JOIN {qn(AdjustmentRule._meta.db_table)} r ON r.id = l.rule_id"
        f"  WHERE l.scheme_id = %s GROUP BY l.unit_id) zf_l ON zf_l.unit_id = zf_u.x_unit"
    )
    scores_params = [
        base,
        *special_params,
        *organisational_params,
        *unit_params,
        scheme.pk,
        Component.SPECIAL,
        Component.ORGANISATIONAL,
        scheme.pk,
        Veto.EXCELLENT.value,
        Veto.EXCELLENT_NO_PROMOTION.value,
        Veto.FULL.value,
        Veto.EXCELLENT_NO_PROMOTION.value,
        Veto.FULL.value,
        scheme.pk,
    ]
    composite = (
        f"ROUND((zf_c.survey_score * {d} + zf_c.special_score * {d}"
        f" + zf_c.organisational_score * {d}) * 1.0 / 100, 2)"
    )
    totals = (
        f"SELECT zf_c.*, {composite} AS composite,"  # noqa: S608
        f" {composite} + zf_c.adjustments AS total FROM ({scores}) zf_c"
    )
    totals_params = [
        *(
            [weights[c] for c in (Component.SURVEY, Component.SPECIAL, Component.ORGANISATIONAL)]
            * 2
        ),
        *scores_params,
    ]
    down, up = "vetoed ASC, total DESC", "vetoed DESC, total ASC"
    ranked = (
        f"SELECT %s AS scheme_id, zf_t.unit_id, zf_t.group_id, zf_t.survey_score,"  # noqa: S608
        f" zf_t.special_score, zf_t.organisational_score, zf_t.composite, zf_t.adjustments,"
        f" zf_t.total, zf_t.veto_excellent, zf_t.no_promotion, zf_t.vetoed,"
        f" '' AS veto_reason, '' AS grade, %s AS commended, %s AS talk,"
        f" COUNT(*) OVER (PARTITION BY vetoed, total) AS tied_with,"
        f" RANK() OVER (ORDER BY {down}) AS rank_overall,"
        f" RANK() OVER (PARTITION BY group_id ORDER BY {down}) AS rank_in_group,"
        f" COUNT(*) OVER (PARTITION BY group_id) AS group_size,"
        f" RANK() OVER (ORDER BY {up}) AS rank_from_bottom,"
        f" RANK() OVER (PARTITION BY group_id ORDER BY {up}) AS rank_from_bottom_in_group"
        f" FROM ({totals}) zf_t"
    )
    ranked_params = [scheme.pk, False, False, *totals_params]
    fields: list[Any] = [AssessmentResult._meta.get_field(name) for name in RESULT_COLUMNS]
    keys = {"scheme", "unit"}
    columns = ", ".join(qn(f.column) for f in fields)
    changed = ", ".join(
        f"{qn(f.column)} = EXCLUDED.{qn(f.column)}" for f in fields if f.name not in keys
    )
    with connection.cursor() as cursor:
        # "WHERE 1 = 1": SQLite reads INSERT … SELECT … ON CONFLICT only with a WHERE.
        cursor.execute(
            f"INSERT INTO {qn(AssessmentResult._meta.db_table)} ({columns})"  # noqa: S608
            f" SELECT * FROM ({ranked}) zf_r WHERE 1 = 1"
            f" ON CONFLICT (scheme_id, unit_id) DO UPDATE SET {changed}",
            ranked_params,
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
