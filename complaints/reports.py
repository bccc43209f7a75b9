"""Excel out (the ledger, never identity) and in (a hotline system's export)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory
from complaints.permissions import require_handler
from units.excel.cells import cell_code, cell_text, neutralise_formula
from units.excel.reader import read_table
from units.excel.widgets import DateWidget
from units.excel.writer import office_workbook_file, title_line
from units.exports import Tally
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
    "来源工单号",
]
IMPORT_REQUIRED = ["来电时间", "诉求标题", "诉求内容"]
IMPORT_OPTIONAL = [
    "来源工单号",
    "来电人",
    "联系电话",
    "身份证号",
    "被反映单位",
    "诉求类别",
    "是否紧急",
]
# The hotline system's ticket number, filed as the complaint's 来源工单号 (source_ticket);
# hotline systems head the column 工单编号 or 工单号 as often.
TICKET_HEADERS = ("来源工单号", "工单编号", "工单号")
TICKET_MAX_LENGTH = Complaint._meta.get_field("source_ticket").max_length or 64
# Imports before 来源工单号 existed kept the ticket as the first line of the content.
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
    "source_ticket",
)
# Widths of the workbook's columns, in Excel's units (a Chinese character is two).
EXPORT_WIDTHS = (20, 10, 12, 36, 24, 24, 10, 17, 12, 8, 10, 10, 17, 9, 20)


def _moment(value: datetime.datetime, native: bool) -> Any:
    local = timezone.localtime(value)
    if native:
        return local.replace(second=0, microsecond=0, tzinfo=None)
    return local.strftime("%Y-%m-%d %H:%M")


def export_rows(queryset: QuerySet[Complaint], *, native: bool = False) -> Iterator[list[Any]]:
    """The ledger's rows, streamed from a server-side cursor: no identity, formulas escaped.

    `native`: times as datetimes (for a workbook's date cells) rather than text (for CSV).
    """
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
        source_ticket,
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
            received.replace(second=0, microsecond=0, tzinfo=None)
            if native
            else received.strftime("%Y-%m-%d %H:%M"),
            deadline,
            str(supervision[supervised]) if supervised != Complaint.Supervision.NONE else "",
            str(verdicts[verdict]) if verdict else "",
            str(satisfaction[rating]) if rating else "",
            _moment(closed_at, native) if closed_at else "",
            (today - received.date()).days if status not in final else "",
            source_ticket,
        ]
        yield [neutralise_formula(v) if isinstance(v, str) else v for v in row]


def export_workbook(
    queryset: QuerySet[Complaint], *, unit: str = "", tally: Tally | None = None
) -> IO[bytes]:
    """The ledger as .xlsx in a temporary file (write-only: flat memory), new sheet per 1M rows.

    A title row (unit, date), the header frozen, readable widths, dates as dates. The
    caller reads the file and closes it, which deletes it.
    """
    today = timezone.localdate()
    rows = export_rows(queryset, native=True)
    return office_workbook_file(
        sheet_name="投诉台账",
        title=title_line(unit, "投诉举报台账", day=today),
        headers=EXPORT_COLUMNS,
        rows=tally.count(rows) if tally is not None else rows,
        widths=EXPORT_WIDTHS,
    )


def export_csv(queryset: QuerySet[Complaint], *, tally: Tally | None = None) -> Iterator[bytes]:
    """The ledger as CSV (UTF-8 with a BOM so that Excel reads the Chinese), chunk by chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(EXPORT_COLUMNS)
    rows = export_rows(queryset)
    for count, row in enumerate(tally.count(rows) if tally is not None else rows, start=1):
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
    header_row: int = 1

    @property
    def has_errors(self) -> bool:
        return bool(self.file_error) or any(r.errors for r in self.rows)


def _parse_datetime(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(9, 0))
    else:
        text = cell_code(value)
        for fmt in _MOMENT_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            try:
                # A date alone (2026年11月2日, 2026.11.2, a serial number): nine in the morning.
                day = DateWidget().clean(value)
            except ValueError:
                day = None
            if day is None:
                raise ValueError(
                    _("“%(value)s” is not a date and time.") % {"value": cell_text(value)}
                ) from None
            moment = datetime.datetime.combine(day, datetime.time(9, 0))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


_MOMENT_FORMATS = tuple(
    f"{day}{gap}{time}"
    for day in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
    for gap in (" ", "")
    for time in ("%H:%M:%S", "%H:%M", "%H时%M分", "%H点%M分")
)


def _content(upload: Any) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    upload.seek(0)
    return upload.read()


def parse_hotline_file(upload: Any) -> ImportResult:
    """Read and check every row; nothing is written here.

    `upload` is a file or its bytes, in any format the one reader takes (units.excel.reader):
    a hotline system's export as .xlsx, .xls or CSV in GB18030, a title row above the header.
    """
    try:
        table = read_table(
            _content(upload),
            expected=[*IMPORT_REQUIRED, *IMPORT_OPTIONAL],
            required=IMPORT_REQUIRED,
        )
    except ValidationError as exc:
        return ImportResult(rows=[], file_error="；".join(exc.messages))
    units = {u.code: u for u in Unit.objects.active()} | {u.name: u for u in Unit.objects.active()}
    categories = {c.name: c for c in ComplaintCategory.objects.all()}
    tickets = {_ticket(raw) for _n, raw in table.records()} - {""}
    filed = _filed_tickets(tickets)
    seen: set[str] = set()
    rows: list[ImportRow] = []
    for index, raw in table.records():
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
        row.values["subject_unit"] = (
            units.get(unit_text) or units.get(cell_code(unit_text)) if unit_text else None
        )
        if unit_text and row.values["subject_unit"] is None:
            row.errors.append(_("Unknown unit: %(value)s") % {"value": unit_text})
        category_text = cell_text(raw.get("诉求类别"))
        row.values["category"] = categories.get(category_text) if category_text else None
        if category_text and row.values["category"] is None:
            row.errors.append(_("Unknown category: %(value)s") % {"value": category_text})
        row.values["urgent"] = cell_code(raw.get("是否紧急")) in ("是", "Y", "y", "1", "紧急")
        ticket = _ticket(raw)
        row.values["ticket"] = ticket
        if ticket:
            if len(ticket) > TICKET_MAX_LENGTH:
                row.errors.append(
                    _("Ticket number %(value)s is longer than %(max)s characters.")
                    % {"value": ticket, "max": TICKET_MAX_LENGTH}
                )
            elif ticket in seen:
                row.errors.append(
                    _("Ticket %(value)s appears twice in the file.") % {"value": ticket}
                )
            elif ticket in filed:
                row.errors.append(_("Ticket %(value)s was already imported.") % {"value": ticket})
            seen.add(ticket)
        row.values["identity"] = Identity(
            name=cell_text(raw.get("来电人")),
            phone=cell_code(raw.get("联系电话")),
            id_number=cell_code(raw.get("身份证号")),
        )
        rows.append(row)
    if not rows:
        return ImportResult(rows=[], file_error=_("The file has no data rows."))
    return ImportResult(rows=rows, header_row=table.header_row)


def _ticket(raw: dict[str, Any]) -> str:
    """The row's ticket number, under whichever of its usual headers the file has."""
    for header in TICKET_HEADERS:
        ticket = cell_code(raw.get(header))
        if ticket:
            return ticket
    return ""


def _filed_tickets(tickets: set[str]) -> set[str]:
    """Which of the tickets were filed before, imported or pushed by the hotline system
    (two queries per thousand tickets; the second finds imports made before 来源工单号)."""
    filed: set[str] = set()
    ordered = sorted(tickets)
    for start in range(0, len(ordered), 1000):
        chunk = ordered[start : start + 1000]
        filed.update(
            Complaint.objects.filter(source_ticket__in=chunk).values_list(
                "source_ticket", flat=True
            )
        )
        query = Q()
        for ticket in chunk:
            query |= Q(content__startswith=f"{MARKER}{ticket}\n")
        for content in Complaint.objects.filter(query).values_list("content", flat=True):
            filed.add(content[len(MARKER) :].split("\n", 1)[0])
    return filed


def problems(result: ImportResult) -> list[dict[str, Any]]:
    """The result's problems for units.excel.report.group_problems."""
    found: list[dict[str, Any]] = []
    if result.file_error:
        found.append({"row": "", "column": "", "message": result.file_error})
    for row in result.rows:
        for error in row.errors:
            column, _sep, message = (
                error.partition("：") if error.startswith("来电时间：") else ("", "", error)
            )
            found.append({"row": row.line, "column": column, "message": message or error})
    return found


def import_hotline(*, upload: Any, actor: Any) -> ImportResult:
    """All or nothing: one bad row and nothing is saved (`upload`: a file or its bytes)."""
    require_handler(actor)
    result = parse_hotline_file(upload)
    if result.has_errors:
        return result
    try:
        with transaction.atomic():
            for row in result.rows:
                v = row.values
                try:
                    services.complaint_submit(
                        channel=Complaint.Channel.HOTLINE,
                        title=v["title"],
                        content=v["content"],
                        source_ticket=v["ticket"],
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
