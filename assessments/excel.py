"""Excel in and out: rating codes, results, evaluation scores.

Headers are Chinese because the files are read and filled in by clerks in Excel; like
units.resources, they are a file format, not interface text. Every text cell written
goes through units.resources.neutralise_formula (spreadsheet formula injection).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments import services
from assessments.models import AssessmentResult, AssessmentScheme, Grade, RaterToken, Survey
from units.excel.cells import cell_code, cell_text, neutralise_formula
from units.excel.reader import read_table
from units.excel.report import row_ranges
from units.excel.staging import Staged
from units.excel.writer import office_workbook, title_line
from units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVALUATION_HEADERS = ("单位编码", "单位名称", "考核指标", "得分", "备注")
EVALUATION_REQUIRED = ("单位编码", "考核指标", "得分")


def _workbook(
    title: str, headers: Iterable[str], rows: Iterable[Iterable[Any]], *, heading: str
) -> bytes:
    """An office workbook: the heading (scheme, date) above the frozen header."""
    return office_workbook(
        sheet_name=title, title=heading, headers=list(headers), rows=(list(r) for r in rows)
    )


def tokens_workbook(*, survey: Survey, link_prefix: str) -> bytes:
    """The codes with the link a rater opens (streamed), and their use counted per category.

    An anonymised survey's sheet says nothing of any single code's use: whoever hands out
    the slips reads only how many codes of each category were used, never which.
    """
    tokens = (
        # Codes issued to named supervisors are theirs, on their workspace: not slips to
        # hand out (they still count below).
        RaterToken.objects.filter(survey=survey, supervisor_code__isnull=True)
        .order_by("category__sort_order", "pk")
        .values_list("category__name", "code", "used")
        .iterator(chunk_size=5000)
    )
    headers = ["评议人类别", "评议码", "评议链接"]
    if not survey.anonymised:
        headers.append("是否已使用")

    def rows() -> Iterable[list[Any]]:
        for category, code, used in tokens:
            row = [category, code, f"{link_prefix}{code}/"]
            if not survey.anonymised:
                row.append("是" if used else "否")
            yield row

    counts = (
        RaterToken.objects.filter(survey=survey)
        .order_by()
        .values("category__name", "category__sort_order")
        .annotate(issued=Count("pk"), used_count=Count("pk", filter=Q(used=True)))
        .order_by("category__sort_order", "category__name")
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("评议码")
    for column, width in zip("ABCD", (16, 22, 70, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(headers)
    for row in rows():
        sheet.append([neutralise_formula(value) for value in row])
    usage = book.create_sheet("使用情况")
    for column, width in zip("ABCD", (16, 12, 12, 12), strict=True):
        usage.column_dimensions[column].width = width
    usage.append(["评议人类别", "已发放", "已使用", "未使用"])
    for c in counts:
        usage.append(
            [
                neutralise_formula(c["category__name"]),
                c["issued"],
                c["used_count"],
                c["issued"] - c["used_count"],
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def results_workbook(*, scheme: AssessmentScheme, results: Iterable[AssessmentResult]) -> bytes:
    """The ranking as on the dashboard: a veto says what it means and which rules brought it,
    and every row the day its facts were judged on (截至, provisional while the year runs)."""
    grades = dict(Grade.choices)
    through = scheme.facts_through
    as_of = (
        f"{through:%Y-%m-%d}{'（阶段性结果）' if scheme.is_provisional else ''}" if through else ""
    )
    return _workbook(
        "考核结果",
        (
            "总排名",
            "组内排名",
            "考核组别",
            "单位编码",
            "单位名称",
            "群众评议",
            "专项测评",
            "组织考评",
            "加权得分",
            "加扣分",
            "总分",
            "等次",
            "一票否决",
            "否决事由",
            "通报表扬",
            "约谈提醒",
            "数据截至",
        ),
        (
            (
                r.rank_overall,
                r.rank_in_group,
                r.group.name if r.group else "",
                r.unit.code,
                r.unit.name,
                r.survey_score,
                r.special_score,
                r.organisational_score,
                r.composite,
                r.adjustments,
                r.total,
                str(grades.get(r.grade, r.grade)),
                r.veto,
                r.veto_reason,
                "是" if r.commended else "",
                "是" if r.talk else "",
                as_of,
            )
            for r in results
        ),
        heading=title_line(scheme.name, "考核结果", day=timezone.localdate()),
    )


def evaluation_template(
    *, scheme: AssessmentScheme, units: list[Unit], only: dict[int, set[int]] | None = None
) -> bytes:
    """The scoring sheet: a row per unit and indicator (`only`: a unit's assigned indicators)."""
    indicators = list(scheme.indicators.order_by("component", "sort_order"))
    only = only or {}
    return _workbook(
        "组织考评打分",
        EVALUATION_HEADERS,
        (
            (u.code, u.name, i.name, None, "")
            for u in units
            for i in indicators
            if u.pk not in only or i.pk in only[u.pk]
        ),
        heading=title_line(scheme.name, "组织考评打分表", day=timezone.localdate()),
    )


def parse_evaluations(
    *, scheme: AssessmentScheme, units: list[Unit], data: bytes
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of an evaluation sheet and the problems found, each naming its Excel row."""
    # Any format the one reader takes; the header found under the template's title row.
    table = read_table(data, expected=EVALUATION_HEADERS, required=EVALUATION_REQUIRED)
    headers = table.headers
    col = {h: headers.index(h) for h in EVALUATION_HEADERS if h in headers}
    by_code = {u.code: u for u in units}
    indicators = {i.name: i for i in scheme.indicators.all()}
    rows: list[dict[str, Any]] = []
    found: dict[str, list[int]] = {}
    seen: set[tuple[int, int]] = set()
    for number, line in table.rows:
        cells = list(line) + [None] * len(headers)
        code = cell_code(cells[col["单位编码"]])
        name = cell_text(cells[col["考核指标"]])
        raw = cell_code(cells[col["得分"]])
        comment = cell_text(cells[col["备注"]]) if "备注" in col else ""
        unit = by_code.get(code)
        indicator = indicators.get(name)
        problem = ""
        if unit is None:
            problem = _("unit code “%(code)s” is not one of your assigned units") % {"code": code}
        elif indicator is None:
            problem = _("“%(name)s” is not an indicator of this scheme") % {"name": name}
        elif not raw:
            problem = _("the score is empty")
        else:
            try:
                score = Decimal(raw)
            except InvalidOperation:
                score = None
            if score is None or not score.is_finite():
                problem = _("the score “%(value)s” is not a number") % {"value": raw}
            elif not 0 <= score <= indicator.max_points:
                problem = _("the score must be between 0 and %(max)s") % {
                    "max": indicator.max_points
                }
            elif (unit.pk, indicator.pk) in seen:
                problem = _("this unit and indicator appear twice")
            else:
                seen.add((unit.pk, indicator.pk))
                rows.append(
                    {
                        "row": number,
                        "unit_id": unit.pk,
                        "unit": unit.name,
                        "indicator_id": indicator.pk,
                        "indicator": indicator.name,
                        "score": str(score),
                        "comment": comment[:255],
                    }
                )
        if problem:
            found.setdefault(str(problem), []).append(number)
    # One line per problem, its rows as ranges: "第 2–29 行：得分为空。"
    errors = [
        _("Row %(row)s: %(problem)s.") % {"row": row_ranges(numbers), "problem": problem}
        for problem, numbers in sorted(found.items(), key=lambda item: item[1][0])
    ]
    if not rows and not errors:
        errors.append(_("The file has no score rows."))
    return rows, errors


# --- Upload → preview → confirm, filed once ---------------------------------------------------

STAGING_FOLDER = "evaluation-imports"


def evaluations_import_stage(
    *, scheme: AssessmentScheme, units: list[Unit], data: bytes, filename: str
) -> tuple[Staged | None, list[dict[str, Any]], list[str]]:
    """Check an uploaded score sheet and, when every row is valid, keep it for confirmation
    (units.excel.staging) with its preview: (staged or None, rows, errors)."""
    rows, errors = parse_evaluations(scheme=scheme, units=units, data=data)
    if errors:
        return None, rows, errors
    staged = Staged.create(
        STAGING_FOLDER, data, {"scheme": scheme.pk, "filename": filename, "rows": rows}
    )
    return staged, rows, errors


@dataclass
class Confirmation:
    """What confirming a staged score sheet came to.

    `state`: "filed" (written now), "finished" (an earlier click wrote it), "running" (another
    request is writing it), "expired" (nothing staged under the token) or "refused" (`errors`:
    the data changed since the preview; nothing written, the upload must be sent again).
    """

    state: str
    count: int = 0
    at: str = ""
    errors: list[str] = field(default_factory=list)


def evaluations_import_preview(*, token: str) -> list[dict[str, Any]] | None:
    """The rows a staged sheet will file (None: no longer awaiting confirmation)."""
    preview = Staged(STAGING_FOLDER, token).preview()
    return None if preview is None else preview["rows"]


def evaluations_import_outcome(*, token: str) -> Confirmation:
    """What became of a staged sheet no longer awaiting confirmation (nothing is claimed)."""
    staged = Staged(STAGING_FOLDER, token)
    done = staged.done()
    if done is not None:
        return Confirmation("finished", count=done["count"], at=done["at"])
    return Confirmation("running" if staged.in_progress() else "expired")


def evaluations_import_confirm(
    *, scheme: AssessmentScheme, evaluator: Any, units: list[Unit], token: str
) -> Confirmation:
    """File the previewed score sheet once: the staged upload is claimed by a rename only one
    request can make, so a second click (or tab) writes nothing and finds the finished import."""
    staged = Staged(STAGING_FOLDER, token)
    content = staged.claim()
    if content is None:
        return evaluations_import_outcome(token=token)
    try:
        # Checked again: assignments or indicators may have changed since the preview.
        rows, errors = parse_evaluations(scheme=scheme, units=units, data=content)
        if errors:
            staged.abandon()
            return Confirmation("refused", errors=errors)
        count = services.evaluations_record(
            scheme=scheme,
            evaluator=evaluator,
            scores=[
                (r["unit_id"], r["indicator_id"], Decimal(r["score"]), r["comment"]) for r in rows
            ],
        )
    except ValidationError as exc:
        staged.abandon()
        return Confirmation("refused", errors=exc.messages)
    except BaseException:
        staged.abandon()
        raise
    at = timezone.localtime().strftime("%H:%M")
    staged.finish({"count": count, "at": at})
    return Confirmation("filed", count=count, at=at)
