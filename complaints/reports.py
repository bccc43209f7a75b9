"""Excel out (the ledger, never identity) and in (a hotline system's export)."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from complaints import services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory
from complaints.permissions import require_handler
from units.excel.cells import cell_text, neutralise_formula
from units.models import Unit

# Column headers are a file format read by clerks, so they are plain Chinese strings.
EXPORT_COLUMNS = [
    "案件编号",
    "受理渠道",
    "投诉类别",
    "标题",
    "被投诉单位",
    "承办单位",
    "状态",
    "登记时间",
    "办理期限",
    "督办",
    "办理结论",
    "满意度",
    "办结时间",
    "已历天数",
]
IMPORT_REQUIRED = ["来电时间", "诉求标题", "诉求内容"]
IMPORT_OPTIONAL = [
    "工单编号",
    "来电人",
    "联系电话",
    "身份证号",
    "被反映单位",
    "诉求类别",
    "是否紧急",
]
MARKER = "12345工单号："


# Columns read straight from the rows (no model instances: millions of rows stay cheap).
_EXPORT_FIELDS = (
    "number",
    "channel",
    "category__name",
    "title",
    "subject_unit__name",
    "unit__name",
    "status",
    "received_at",
    "deadline",
    "supervision",
    "verdict",
    "satisfaction",
    "closed_at",
)
# An .xlsx sheet holds 1,048,576 rows: the header and this many cases, then a new sheet.
SHEET_ROWS = 1_048_575


def export_rows(queryset: QuerySet[Complaint]) -> Iterator[list[Any]]:
    """The ledger's rows, streamed from a server-side cursor: no identity, formulas escaped."""
    today = timezone.localdate()
    channels = dict(Complaint.Channel.choices)
    statuses = dict(Complaint.Status.choices)
    supervision = dict(Complaint.Supervision.choices)
    verdicts = dict(Complaint.Verdict.choices)
    satisfaction = dict(Complaint.Satisfaction.choices)
    final = Complaint.FINAL_STATUSES
    rows = queryset.order_by("pk").values_list(*_EXPORT_FIELDS)
    for (
        number,
        channel,
        category,
        title,
        subject_unit,
        unit,
        status,
        received_at,
        deadline,
        supervised,
        verdict,
        rating,
        closed_at,
    ) in rows.iterator(chunk_size=5000):
        received = timezone.localtime(received_at)
        row: list[Any] = [
            number,
            str(channels.get(channel, channel)),
            category or "",
            title,
            subject_unit or "",
            unit or "",
            str(statuses.get(status, status)),
            received.strftime("%Y-%m-%d %H:%M"),
            deadline,
            str(supervision[supervised]) if supervised != Complaint.Supervision.NONE else "",
            str(verdicts[verdict]) if verdict else "",
            str(satisfaction[rating]) if rating else "",
            timezone.localtime(closed_at).strftime("%Y-%m-%d %H:%M") if closed_at else "",
            (today - received.date()).days if status not in final else "",
        ]
        yield [neutralise_formula(v) if isinstance(v, str) else v for v in row]


def export_workbook(queryset: QuerySet[Complaint]) -> IO[bytes]:
    """The ledger as .xlsx in a temporary file (write-only: flat memory), new sheet per 1M rows.

    The caller reads the file and closes it, which deletes it.
    """
    wb = Workbook(write_only=True)
    ws = None
    filled = SHEET_ROWS
    for row in export_rows(queryset):
        if filled >= SHEET_ROWS:
            ws = wb.create_sheet("投诉台账" if ws is None else f"投诉台账{len(wb.worksheets) + 1}")
            ws.append(EXPORT_COLUMNS)
            filled = 0
        ws.append(row)
        filled += 1
    if ws is None:
        wb.create_sheet("投诉台账").append(EXPORT_COLUMNS)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it, which deletes it)
    wb.save(out)
    out.seek(0)
    return out


def export_csv(queryset: QuerySet[Complaint]) -> Iterator[bytes]:
    """The ledger as CSV (UTF-8 with a BOM so that Excel reads the Chinese), chunk by chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(EXPORT_COLUMNS)
    for count, row in enumerate(export_rows(queryset), start=1):
        writer.writerow(row)
        if count % 2000 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


@dataclass
class ImportRow:
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[ImportRow]
    created: int = 0
    file_error: str = ""

    @property
    def has_errors(self) -> bool:
        return bool(self.file_error) or any(r.errors for r in self.rows)


def _parse_datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(9, 0))
    else:
        text = cell_text(value).replace("/", "-")
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                moment = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(_("“%(value)s” is not a date and time.") % {"value": text})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_hotline_file(upload: Any) -> ImportResult:
    """Read and check every row; nothing is written here."""
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not .xlsx
        return ImportResult(rows=[], file_error=_("The file is not an Excel workbook (.xlsx)."))
    ws = wb.worksheets[0]
    lines = list(ws.iter_rows(values_only=True))
    if not lines:
        return ImportResult(rows=[], file_error=_("The file is empty."))
    headers = [cell_text(h) for h in lines[0]]
    missing = [h for h in IMPORT_REQUIRED if h not in headers]
    if missing:
        return ImportResult(
            rows=[],
            file_error=_("Missing columns: %(columns)s") % {"columns": "、".join(missing)},
        )
    units = {u.code: u for u in Unit.objects.active()} | {u.name: u for u in Unit.objects.active()}
    categories = {c.name: c for c in ComplaintCategory.objects.all()}
    seen: set[str] = set()
    rows: list[ImportRow] = []
    for index, line in enumerate(lines[1:], start=2):
        raw = dict(zip(headers, line, strict=False))
        if all(cell_text(v) == "" for v in raw.values()):
            continue
        row = ImportRow(line=index)
        try:
            row.values["received_at"] = _parse_datetime(raw.get("来电时间"))
        except ValueError as exc:
            row.errors.append(f"来电时间：{exc}")
        for header, key in (("诉求标题", "title"), ("诉求内容", "content")):
            row.values[key] = cell_text(raw.get(header))
            if not row.values[key]:
                row.errors.append(_("%(column)s is required.") % {"column": header})
        if len(row.values.get("title", "")) > 120:
            row.errors.append(_("诉求标题 is longer than 120 characters."))
        unit_text = cell_text(raw.get("被反映单位"))
        row.values["subject_unit"] = units.get(unit_text) if unit_text else None
        if unit_text and row.values["subject_unit"] is None:
            row.errors.append(_("Unknown unit: %(value)s") % {"value": unit_text})
        category_text = cell_text(raw.get("诉求类别"))
        row.values["category"] = categories.get(category_text) if category_text else None
        if category_text and row.values["category"] is None:
            row.errors.append(_("Unknown category: %(value)s") % {"value": category_text})
        row.values["urgent"] = cell_text(raw.get("是否紧急")) in ("是", "Y", "y", "1", "紧急")
        ticket = cell_text(raw.get("工单编号"))
        row.values["ticket"] = ticket
        if ticket:
            if ticket in seen:
                row.errors.append(
                    _("Ticket %(value)s appears twice in the file.") % {"value": ticket}
                )
            elif Complaint.objects.filter(content__startswith=f"{MARKER}{ticket}\n").exists():
                row.errors.append(_("Ticket %(value)s was already imported.") % {"value": ticket})
            seen.add(ticket)
        row.values["identity"] = Identity(
            name=cell_text(raw.get("来电人")),
            phone=cell_text(raw.get("联系电话")),
            id_number=cell_text(raw.get("身份证号")),
        )
        rows.append(row)
    if not rows:
        return ImportResult(rows=[], file_error=_("The file has no data rows."))
    return ImportResult(rows=rows)


def import_hotline(*, upload: Any, actor: Any) -> ImportResult:
    """All or nothing: one bad row and nothing is saved."""
    require_handler(actor)
    result = parse_hotline_file(upload)
    if result.has_errors:
        return result
    try:
        with transaction.atomic():
            for row in result.rows:
                v = row.values
                content = f"{MARKER}{v['ticket']}\n{v['content']}" if v["ticket"] else v["content"]
                try:
                    services.complaint_submit(
                        channel=Complaint.Channel.HOTLINE,
                        title=v["title"],
                        content=content,
                        category=v["category"],
                        subject_unit=v["subject_unit"],
                        identity=v["identity"],
                        urgent=v["urgent"],
                        received_at=v["received_at"],
                        actor=actor,
                    )
                except ValidationError as exc:
                    row.errors.extend(exc.messages)
                    raise
                result.created += 1
    except ValidationError:
        result.created = 0
    return result
