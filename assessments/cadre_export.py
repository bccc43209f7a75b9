"""三挂钩: a year's results as the organisation department files them (评先评优, 选拔任用).

For each unit, its result in the year's published scheme (total, grade, ranks, veto), the
flags on the unit and its year's 问责, and its current leadership team with each cadre's
flags and 问责. The Excel export (one row per leader; a unit without a team still gets its
row) and the API (`assessments.api`, one object per unit, paged) read the same units
(`cadre_units`) and the same rows (`cadre_rows`); a constant number of queries per call.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from assessments.models import AssessmentResult, AssessmentScheme
from campaign.models import AccountabilityAction
from units.cadres import leadership_of
from units.excel.writer import office_workbook, title_line
from units.models import CadreFlag, IntegrationClient, Responsibility, Unit
from units.selectors import units_overseen_by
from units.types import AnyUser

HEADERS = [
    "单位",
    "考核组别",
    "考核总分",
    "考核等次",
    "总排名",
    "组内排名",
    "否决情况",
    "单位标记（起止日期）",
    "单位年度问责",
    "姓名",
    "职务",
    "班子职责",
    "个人标记（起止日期）",
    "个人年度问责",
]


@dataclass(frozen=True)
class LeaderRow:
    """One member of a unit's leadership team, with their flags and the year's 问责."""

    post: Responsibility
    flags: list[CadreFlag]
    actions: list[AccountabilityAction]


@dataclass(frozen=True)
class UnitRow:
    """One unit: its result (None before the year's scheme is published), its flags and
    the year's 问责 against it, and its leadership team."""

    unit: Unit
    year: int
    result: AssessmentResult | None
    flags: list[CadreFlag]
    actions: list[AccountabilityAction]
    leaders: list[LeaderRow]


@dataclass(frozen=True)
class CadreExport:
    year: int
    scheme: AssessmentScheme | None
    units: int
    rows: list[list[Any]]


def cadre_units(*, user: AnyUser, client: IntegrationClient | None = None) -> QuerySet[Unit]:
    """The units a 三挂钩 reader covers, in the order of the units: an integration client's
    subtree (the county for a county-wide client), else the person's inspection
    jurisdiction (none for anyone but inspection staff)."""
    if client is not None:
        units = Unit.objects.filter(client.subtree_q(""))
    else:
        units = units_overseen_by(user=user)
    return units.filter(status=Unit.Status.ACTIVE).select_related("group").order_by("path")


def published_scheme(*, year: int) -> AssessmentScheme | None:
    return AssessmentScheme.objects.filter(
        year=year, status=AssessmentScheme.Status.PUBLISHED
    ).first()


def cadre_rows(
    *, units: Sequence[Unit], year: int, scheme: AssessmentScheme | None = None
) -> list[UnitRow]:
    """The 三挂钩 rows of the given units (one query each for results, leaders, flags and
    问责, however many units)."""
    since, until = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    unit_ids = [unit.pk for unit in units]
    scheme = scheme if scheme is not None else published_scheme(year=year)
    results: dict[int, AssessmentResult] = {}
    if scheme is not None:
        results = {
            r.unit_id: r
            for r in AssessmentResult.objects.filter(scheme=scheme, unit_id__in=unit_ids)
        }
    posts = list(leadership_of(units=unit_ids))
    person_ids = {post.person_id for post in posts}
    # Flags still in force at some point since the year began (a year's results are
    # published early the next year, and their flags run a year from then).
    flags = CadreFlag.objects.filter(end_date__gte=since).filter(
        Q(person_id__in=person_ids) | Q(person__isnull=True, unit_id__in=unit_ids)
    )
    person_flags: dict[int, list[CadreFlag]] = defaultdict(list)
    unit_flags: dict[int, list[CadreFlag]] = defaultdict(list)
    for flag in flags.order_by("start_date", "pk"):
        if flag.person_id is not None:
            person_flags[flag.person_id].append(flag)
        else:
            unit_flags[flag.unit_id].append(flag)  # type: ignore[index]
    actions = AccountabilityAction.objects.filter(date__gte=since, date__lte=until).filter(
        Q(person_id__in=person_ids) | Q(unit_id__in=unit_ids)
    )
    within = set(unit_ids)
    person_actions: dict[int, list[AccountabilityAction]] = defaultdict(list)
    unit_actions: dict[int, list[AccountabilityAction]] = defaultdict(list)
    for action in actions.order_by("date", "pk"):
        if action.person_id is not None:
            person_actions[action.person_id].append(action)
        if action.unit_id is not None and action.unit_id in within:
            unit_actions[action.unit_id].append(action)
    leaders: dict[int, list[LeaderRow]] = defaultdict(list)
    for post in posts:
        leaders[post.unit_id].append(
            LeaderRow(
                post=post,
                flags=person_flags[post.person_id],
                actions=person_actions[post.person_id],
            )
        )
    return [
        UnitRow(
            unit=unit,
            year=year,
            result=results.get(unit.pk),
            flags=unit_flags[unit.pk],
            actions=unit_actions[unit.pk],
            leaders=leaders[unit.pk],
        )
        for unit in units
    ]


def _flag_text(flags: Iterable[CadreFlag]) -> str:
    return "\n".join(
        f"{flag.get_kind_display()}（{flag.start_date:%Y-%m-%d}至{flag.end_date:%Y-%m-%d}）"
        for flag in flags
    )


def _action_text(actions: Iterable[AccountabilityAction]) -> str:
    lines = []
    for action in actions:
        text = f"{action.date:%Y-%m-%d} {action.get_kind_display()}"
        if action.document_number:
            text += f"（{action.document_number}）"
        lines.append(text)
    return "\n".join(lines)


def _sheet_rows(row: UnitRow) -> list[list[Any]]:
    """A unit's lines of the workbook: one per leader, or one without a name."""
    result, unit = row.result, row.unit
    head = [
        unit.name,
        unit.group.name if unit.group else "",
        result.total if result else None,
        result.get_grade_display() if result and result.grade else "",
        result.rank_overall if result else None,
        result.rank_in_group if result else None,
        result.veto if result else "",
        _flag_text(row.flags),
        _action_text(row.actions),
    ]
    if not row.leaders:
        return [[*head, "", "", "", "", ""]]
    return [
        [
            *head,
            leader.post.person.name,
            leader.post.person.title,
            leader.post.get_role_display(),
            _flag_text(leader.flags),
            _action_text(leader.actions),
        ]
        for leader in row.leaders
    ]


def cadre_export(*, user: AnyUser, year: int) -> CadreExport:
    """The rows of the year's 三挂钩 table for the units the user oversees."""
    units = list(cadre_units(user=user))
    scheme = published_scheme(year=year)
    rows = [
        line
        for row in cadre_rows(units=units, year=year, scheme=scheme)
        for line in _sheet_rows(row)
    ]
    return CadreExport(year=year, scheme=scheme, units=len(units), rows=rows)


def cadre_workbook(*, export: CadreExport, organisation: str, day: datetime.date) -> bytes:
    what = f"{export.year}年度作风建设考核结果运用（三挂钩）"
    if export.scheme is None:
        what += "（该年度考核结果尚未发布）"
    return office_workbook(
        sheet_name="三挂钩",
        title=title_line(organisation, what, day=day),
        headers=HEADERS,
        rows=export.rows,
    )
