"""Reads for the annual assessment: rankings, distributions, profiles, trends, lines."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Floor, RowNumber
from django.utils import timezone

from assessments import rule_kinds, scoring
from assessments.evidence import with_evidence
from assessments.models import (
    AdjustmentLine,
    AssessmentResult,
    AssessmentScheme,
    CommendationDraft,
    Evaluation,
    EvaluationAssignment,
    Indicator,
    IndicatorScore,
    RaterToken,
    ReminderTalk,
    SupervisorCode,
    Survey,
    SurveyDimensionScore,
    SurveyResponse,
)
from units import roles
from units.models import Unit
from units.selectors import OVERSEE, unit_scope_q, user_sees_all_units
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


def _scheme_results(
    scheme: AssessmentScheme | None, reader: AnyUser | None
) -> QuerySet[AssessmentResult]:
    """A scheme's results; with `reader`, only those results_visible_to them (the dashboard
    of a reader confined to some units, e.g. a leader in charge and the units they oversee)."""
    qs = results_visible_to(user=reader) if reader is not None else AssessmentResult.objects.all()
    return qs.filter(scheme=scheme) if scheme is not None else qs


def ranking(
    *, scheme: AssessmentScheme, group_id: int | None = None, reader: AnyUser | None = None
) -> QuerySet[AssessmentResult]:
    """Results in rank order with the complaint and rectification figures beside them."""
    qs = _scheme_results(scheme, reader).select_related("unit", "group")
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


def grade_distribution(
    *, scheme: AssessmentScheme, reader: AnyUser | None = None
) -> list[dict[str, Any]]:
    return list(
        _scheme_results(scheme, reader).order_by().values("grade").annotate(count=Count("pk"))
    )


def score_histogram(
    *, scheme: AssessmentScheme, width: int = 5, reader: AnyUser | None = None
) -> list[dict[str, Any]]:
    """How many units scored in each band of `width` points (GROUP BY in the database)."""
    rows = (
        _scheme_results(scheme, reader)
        .order_by()
        .annotate(band=Floor(F("total") / width) * width)
        .values("band")
        .annotate(count=Count("pk"))
        .order_by("band")
    )
    return [{"band": int(row["band"]), "count": row["count"]} for row in rows]


def summary(*, scheme: AssessmentScheme, reader: AnyUser | None = None) -> dict[str, Any]:
    return _scheme_results(scheme, reader).aggregate(
        # 一票否决 in full (graded poor, ranked after the others): a subset of `vetoed`.
        # First: once the alias `vetoed` below exists, Q(vetoed=…) would name it, not the field.
        vetoed_full=Count("pk", filter=Q(vetoed=True)),
        count=Count("pk"),
        average=Avg("total"),
        highest=Max("total"),
        lowest=Min("total"),
        vetoed=Count("pk", filter=Q(veto_excellent=True)),
        commended=Count("pk", filter=Q(commended=True)),
        talks=Count("pk", filter=Q(talk=True)),
    )


def year_trend(
    *, unit_id: int | None = None, published_only: bool = False, reader: AnyUser | None = None
) -> list[Any]:
    """Average total per year, or one unit's total and ranks per year."""
    qs = (
        _scheme_results(None, reader)
        .order_by()
        .filter(
            scheme__status__in=[Status.PUBLISHED]
            if published_only
            else [Status.COMPUTED, Status.PUBLISHED]
        )
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


def unit_results_overview(*, user: AnyUser, limit: int = 200) -> dict[str, Any]:
    """The units the user answers for or oversees (a leader in charge: the supervised units),
    each with its result in the latest published scheme that ranks any of them (3 queries).
    """
    units = list(
        Unit.objects.visible_to(user).active().select_related("group").order_by("path")[:limit]
    )
    visible = results_for_unit_head(user=user)
    latest = visible.values_list("scheme_id", flat=True).first()
    results = {}
    if latest is not None:
        results = {
            r.unit_id: r
            for r in visible.filter(scheme_id=latest, unit_id__in=[u.pk for u in units])
        }
    scheme = next(iter(results.values())).scheme if results else None
    return {
        "scheme": scheme,
        "rows": [{"unit": u, "result": results.get(u.pk)} for u in units],
    }


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


# Names shown per assessment group on the survey's page; the rest is said as a number.
SURVEY_UNIT_NAMES = 30


def survey_units_by_group(*, survey: Survey) -> list[dict[str, Any]]:
    """The units rated, per assessment group: how many, and the first names in tree order
    ("县委办、县政府办……等32个单位"). Two queries, whatever the number of units: a
    province's survey rates ten thousand, which as a list of names nobody reads."""
    units = survey.units.order_by()
    counts = {
        row["group_id"]: row["units"]
        for row in units.values("group_id").annotate(units=Count("pk"))
    }
    first = (
        units.annotate(
            place=Window(RowNumber(), partition_by=[F("group_id")], order_by=F("path").asc())
        )
        .filter(place__lte=SURVEY_UNIT_NAMES)
        .values("group_id", "group__name", "group__sort_order", "name", "path")
    )
    groups: dict[Any, dict[str, Any]] = {}

    def order(row: dict[str, Any]) -> tuple[Any, ...]:
        # Groups as everywhere (sort order, name), units without a group last.
        ungrouped = row["group_id"] is None
        return (ungrouped, row["group__sort_order"] or 0, row["group__name"] or "", row["path"])

    for row in sorted(first, key=order):
        group = groups.setdefault(
            row["group_id"],
            {"name": row["group__name"], "units": counts.get(row["group_id"], 0), "names": []},
        )
        group["names"].append(row["name"])
    for group in groups.values():
        group["more"] = group["units"] - len(group["names"])
    return list(groups.values())


@functools.cache
def _survey_code_sql() -> tuple[str, list[str], list[str]]:
    quote = connection.ops.quote_name
    token, survey = RaterToken._meta, Survey._meta
    columns = [f"t.{quote(f.column)}" for f in token.concrete_fields]
    columns += [f"s.{quote(f.column)}" for f in survey.concrete_fields]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(token.db_table)} t "  # noqa: S608 (names)
        f"JOIN {quote(survey.db_table)} s ON s.{quote(survey.pk.column)} = "
        f"t.{quote(token.get_field('survey').column)} "
        f"WHERE t.{quote(token.get_field('code').column)} = %s"
    )
    return (
        sql,
        [f.attname for f in token.concrete_fields],
        [f.attname for f in survey.concrete_fields],
    )


def survey_code(*, code: str) -> RaterToken | None:
    """A rating code with its survey (`token.survey`), in one statement built once: the
    voting page reads it on every request, and building the query and its instances
    through the ORM cost more than the read itself."""
    sql, token_names, survey_names = _survey_code_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [code])
        row = cursor.fetchone()
    if row is None:
        return None
    token = RaterToken.from_db(connection.alias, token_names, row[: len(token_names)])
    token.survey = Survey.from_db(connection.alias, survey_names, row[len(token_names) :])
    return token


def feedback_for(*, user: AnyUser) -> QuerySet[SurveyResponse]:
    """意见建议 about the units the user may read (never who wrote them)."""
    return (
        SurveyResponse.objects.exclude(comment="")
        .filter(unit_scope_q(user=user, prefix="unit__"))
        .select_related("survey", "unit")
        .order_by("-submitted_on", "-pk")
    )


def evaluator_units(*, scheme: AssessmentScheme, user: AnyUser) -> list[dict[str, Any]]:
    """The evaluator's assigned units with how many of their indicators they have scored
    (every row with its unit and indicators: for the scoring sheet and its import)."""
    found = evaluator_assignments(user=user, scheme_id=scheme.pk)
    rows = found[0]["units"] if found else []
    return with_units(rows)


# Evaluators score until the results are published (services.evaluations says the same).
SCORING_STATUSES = (Status.OPEN, Status.COMPUTED)


def open_schemes_for_evaluator(*, user: AnyUser) -> QuerySet[AssessmentScheme]:
    """Schemes in which the user has units to score now."""
    return AssessmentScheme.objects.filter(
        status__in=SCORING_STATUSES, assignments__evaluator_id=user.pk
    ).distinct()


def evaluator_assignments(
    *, user: AnyUser, scheme_id: int | None = None, statuses: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Per scheme the user is assigned in (latest year first): each unit with the indicators
    to score (every indicator, or those assigned), how many are scored, its deadline.

    Three queries whatever the number of schemes and units. The rows carry ids only (an
    evaluator of a province has a thousand units): `with_units` gives the rows a page
    shows their unit and indicators.
    """
    assignments = EvaluationAssignment.objects.filter(evaluator_id=user.pk)
    if scheme_id is not None:
        assignments = assignments.filter(scheme_id=scheme_id)
    if statuses:
        assignments = assignments.filter(scheme__status__in=statuses)
    rows = assignments.order_by("-scheme__year", "unit__path", "indicator__sort_order").values_list(
        "scheme_id", "unit_id", "indicator_id", "deadline"
    )
    schemes: dict[int, dict[int, dict[str, Any]]] = {}
    for scheme_pk, unit_pk, indicator_pk, deadline in rows:
        unit = schemes.setdefault(scheme_pk, {}).setdefault(
            unit_pk, {"unit_id": unit_pk, "indicator_ids": [], "all": False, "deadline": None}
        )
        if indicator_pk is None:
            unit["all"] = True
        else:
            unit["indicator_ids"].append(indicator_pk)
        if deadline and (unit["deadline"] is None or deadline < unit["deadline"]):
            unit["deadline"] = deadline
    indicator_totals = dict(
        Indicator.objects.filter(scheme_id__in=schemes)
        .order_by()
        .values("scheme_id")
        .annotate(n=Count("pk"))
        .values_list("scheme_id", "n")
    )
    scored: dict[tuple[int, int], set[int]] = {}
    for scheme_pk, unit_pk, indicator_pk in Evaluation.objects.filter(
        evaluator_id=user.pk, scheme_id__in=schemes
    ).values_list("scheme_id", "unit_id", "indicator_id"):
        scored.setdefault((scheme_pk, unit_pk), set()).add(indicator_pk)
    by_pk = AssessmentScheme.objects.in_bulk(list(schemes))
    today = timezone.localdate()
    result = []
    for scheme_pk, by_unit in schemes.items():
        units = []
        for unit_pk, unit in by_unit.items():
            done = scored.get((scheme_pk, unit_pk), set())
            if unit["all"]:
                unit["indicator_ids"] = []
                unit["total"] = indicator_totals.get(scheme_pk, 0)
                unit["scored"] = len(done)
            else:
                unit["total"] = len(unit["indicator_ids"])
                unit["scored"] = sum(1 for i in unit["indicator_ids"] if i in done)
            unit["finished"] = unit["total"] > 0 and unit["scored"] >= unit["total"]
            unit["overdue"] = bool(
                unit["deadline"] and unit["deadline"] < today and not unit["finished"]
            )
            units.append(unit)
        # What is still to score comes first, in the tree's order.
        units.sort(key=lambda u: u["finished"])
        pending = [u for u in units if not u["finished"]]
        deadlines = [u["deadline"] for u in (pending or units) if u["deadline"]]
        scheme = by_pk[scheme_pk]
        result.append(
            {
                "scheme": scheme,
                "scoring": scheme.status in SCORING_STATUSES,
                "units": units,
                "pending": pending,
                "count": len(units),
                "done": len(units) - len(pending),
                "scored": sum(u["scored"] for u in units),
                "total": sum(u["total"] for u in units),
                "deadline": min(deadlines) if deadlines else None,
                "overdue": any(u["overdue"] for u in units),
            }
        )
    return result


def with_units(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` of evaluator_assignments, each given its `unit` (with its group) and its
    assigned `indicators` (in the scheme's order): two queries for any number of rows."""
    units = Unit.objects.select_related("group").in_bulk({row["unit_id"] for row in rows})
    indicators = Indicator.objects.in_bulk({pk for row in rows for pk in row["indicator_ids"]})
    for row in rows:
        row["unit"] = units[row["unit_id"]]
        row["indicators"] = sorted(
            (indicators[pk] for pk in row["indicator_ids"]), key=lambda i: (i.sort_order, i.pk)
        )
    return rows


def assigned_indicators(
    *, scheme: AssessmentScheme, user: AnyUser, unit_id: int
) -> QuerySet[Indicator]:
    """The indicators of `scheme` the user is to score for one unit (one query)."""
    mine = EvaluationAssignment.objects.filter(scheme=scheme, evaluator_id=user.pk, unit_id=unit_id)
    return (
        Indicator.objects.filter(scheme=scheme)
        .filter(
            Exists(mine.filter(indicator__isnull=True))
            | Exists(mine.filter(indicator_id=OuterRef("pk")))
        )
        .order_by("component", "sort_order", "pk")
    )


def evaluators() -> QuerySet[Any]:
    """Active accounts in the evaluator role (考评人员), whom officers assign."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.EVALUATOR)
        .distinct()
        .order_by("first_name", "username")
    )


def assignable_units(*, scheme: AssessmentScheme, user: AnyUser) -> QuerySet[Unit]:
    """Units the scheme assesses within the user's inspection jurisdiction."""
    return (
        scoring.assessed_units(scheme)
        .filter(unit_scope_q(user=user, codename=OVERSEE))
        .select_related("group")
        .order_by("group__sort_order", "path")
    )


def scheme_assignments(
    *, scheme: AssessmentScheme, user: AnyUser, evaluator_id: int | None = None
) -> QuerySet[EvaluationAssignment]:
    """A scheme's assignments within the user's jurisdiction, with what has been scored:
    `scored_units` (indicators scored for the unit) and `scored_one` (the row's indicator)."""
    own = Evaluation.objects.filter(
        scheme_id=OuterRef("scheme_id"),
        evaluator_id=OuterRef("evaluator_id"),
        unit_id=OuterRef("unit_id"),
    )
    qs = (
        EvaluationAssignment.objects.filter(scheme=scheme)
        .filter(unit_scope_q(user=user, codename=OVERSEE, prefix="unit__"))
        .select_related("evaluator", "unit", "unit__group", "indicator")
        .annotate(
            scored_units=Subquery(
                own.order_by().values("unit_id").annotate(n=Count("pk")).values("n")[:1]
            ),
            scored_one=Exists(own.filter(indicator_id=OuterRef("indicator_id"))),
        )
        .order_by(
            "evaluator__first_name", "evaluator__username", "unit__path", "indicator_id", "pk"
        )
    )
    if evaluator_id:
        qs = qs.filter(evaluator_id=evaluator_id)
    return qs


def assignment_summary(*, scheme: AssessmentScheme, user: AnyUser) -> list[dict[str, Any]]:
    """Per evaluator: units and assignment rows in the user's jurisdiction (one GROUP BY)."""
    return list(
        EvaluationAssignment.objects.filter(scheme=scheme)
        .filter(unit_scope_q(user=user, codename=OVERSEE, prefix="unit__"))
        .order_by()
        .values("evaluator_id", "evaluator__first_name", "evaluator__username")
        .annotate(units=Count("unit_id", distinct=True), rows=Count("pk"))
        .order_by("evaluator__first_name", "evaluator__username")
    )


def surveys_open_to_public() -> QuerySet[Survey]:
    """Surveys anyone may answer without a code now (the public front page lists them)."""
    return (
        Survey.objects.filter(open_mode=True, status=Survey.Status.OPEN)
        .exclude(scheme__status=Status.PUBLISHED)
        .order_by("-created_at", "-pk")
    )


# --- 约谈提醒 (assessments.services.results_act) -----------------------------------------


def talks_visible_to(*, user: AnyUser) -> QuerySet[ReminderTalk]:
    """The scheme's readers (every unit) read every talk; a leader in charge the talks they
    hold, once the results are published (before that no unit's result is theirs to read)."""
    if schemes_visible_to(user=user).exists():
        return ReminderTalk.objects.all()
    if not user.is_authenticated:
        return ReminderTalk.objects.none()
    return ReminderTalk.objects.filter(leader__user=user, scheme__status=Status.PUBLISHED)


def talk_list(*, user: AnyUser, scheme: AssessmentScheme | None = None) -> QuerySet[ReminderTalk]:
    """A talk list's rows: unit, leader and the unit's result (rank, total) in one query."""
    talks = talks_visible_to(user=user)
    if scheme is not None:
        talks = talks.filter(scheme=scheme)
    result = AssessmentResult.objects.filter(
        scheme_id=OuterRef("scheme_id"), unit_id=OuterRef("unit_id")
    )
    return (
        talks.select_related("scheme", "unit", "leader")
        .annotate(
            x_rank=Subquery(result.values("rank_overall")[:1]),
            x_from_bottom=Subquery(result.values("rank_from_bottom")[:1]),
            x_total=Subquery(result.values("total")[:1]),
        )
        .order_by("-scheme__year", "status", "x_rank", "unit__path")
    )


def results_act_summary(*, scheme: AssessmentScheme) -> dict[str, Any]:
    """What the scheme's results set going (for its readers): the commendation circular
    and the talks by status, in two queries."""
    draft = CommendationDraft.objects.select_related("circular").filter(scheme=scheme).first()
    counts = dict(
        ReminderTalk.objects.filter(scheme=scheme)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {
        "circular": draft.circular if draft else None,
        "talks": counts,
        "talk_total": sum(counts.values()),
        "final": not scheme.is_provisional or scheme.status == Status.PUBLISHED,
    }


def supervisor_open_codes(*, user: AnyUser) -> QuerySet[Any]:
    """The signed-in supervisor's unused codes for surveys open now (their workspace)."""
    return (
        SupervisorCode.objects.filter(
            supervisor__user_id=user.pk,  # type: ignore[misc]
            token__used=False,
            survey__status=Survey.Status.OPEN,
        )
        .select_related("survey", "token")
        .order_by("-survey__created_at")
    )
