"""Excel out (the ledger, never identity) and in (a hotline system's export)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from complaints import services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory
from complaints.selectors import age_in_days
from units.models import Unit
from units.resources import cell_text, neutralise_formula

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


def export_workbook(queryset: QuerySet[Complaint]) -> bytes:
    """The complaint ledger as .xlsx: no complainant identity, formula-like text escaped."""
    wb = Workbook()
    ws = wb.active
    ws.title = "投诉台账"
    ws.append(EXPORT_COLUMNS)
    today = timezone.localdate()
    for c in queryset.select_related("category", "unit", "subject_unit").iterator(chunk_size=500):
        row: list[Any] = [
            c.number,
            c.get_channel_display(),
            c.category.name if c.category else "",
            c.title,
            c.subject_unit.name if c.subject_unit else "",
            c.unit.name if c.unit else "",
            c.get_status_display(),
            timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
            c.deadline,
            c.get_supervision_display() if c.supervision != Complaint.Supervision.NONE else "",
            c.get_verdict_display() if c.verdict else "",
            c.get_satisfaction_display() if c.satisfaction else "",
            timezone.localtime(c.closed_at).strftime("%Y-%m-%d %H:%M") if c.closed_at else "",
            age_in_days(c, today) if c.is_open else "",
        ]
        ws.append([neutralise_formula(str(v)) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
    if not actor.has_perm("complaints.handle_complaint"):
        raise PermissionDenied(_("Only inspection staff may do this."))
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
