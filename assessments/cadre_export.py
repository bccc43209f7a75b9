"""三挂钩: a year's results as the organisation department files them (评先评优, 选拔任用).

One row per member of each unit's current leadership team (a unit without one still gets
its row): the unit's result in the year's published scheme (total, grade, ranks, veto), the
flags on the unit and on the cadre with their dates, and the year's 问责 against each. Every
unit in the exporter's inspection jurisdiction; a constant number of queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from assessments.models import AssessmentResult, AssessmentScheme
from campaign.models import AccountabilityAction
from units.cadres import leadership_of
from units.excel.writer import office_workbook, title_line
from units.models import CadreFlag, Unit
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
class CadreExport:
    year: int
    scheme: AssessmentScheme | None
    units: int
    rows: list[list[Any]]


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


def cadre_export(*, user: AnyUser, year: int) -> CadreExport:
    """The rows of the year's 三挂钩 table for the units the user oversees."""
    since, until = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    units = list(
        units_overseen_by(user=user)
        .filter(status=Unit.Status.ACTIVE)
        .select_related("group")
        .order_by("path")
    )
    unit_ids = [unit.pk for unit in units]
    scheme = AssessmentScheme.objects.filter(
        year=year, status=AssessmentScheme.Status.PUBLISHED
    ).first()
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
    leaders: dict[int, list[Any]] = defaultdict(list)
    for post in posts:
        leaders[post.unit_id].append(post)

    rows: list[list[Any]] = []
    for unit in units:
        result = results.get(unit.pk)
        head = [
            unit.name,
            unit.group.name if unit.group else "",
            result.total if result else None,
            result.get_grade_display() if result and result.grade else "",
            result.rank_overall if result else None,
            result.rank_in_group if result else None,
            result.veto if result else "",
            _flag_text(unit_flags[unit.pk]),
            _action_text(unit_actions[unit.pk]),
        ]
        for post in leaders[unit.pk] or [None]:
            if post is None:
                rows.append([*head, "", "", "", "", ""])
                continue
            person = post.person
            rows.append(
                [
                    *head,
                    person.name,
                    person.title,
                    post.get_role_display(),
                    _flag_text(person_flags[person.pk]),
                    _action_text(person_actions[person.pk]),
                ]
            )
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
