"""A hotline system's ticket number (工单号, 工单编号 or 来源工单号) is filed as the complaint's
来源工单号, not pasted into its text; the ledger export shows it; a ticket filed before (by an
import or pushed by the hotline system) is not filed twice."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from complaints import reports
from complaints.models import Complaint

pytestmark = pytest.mark.django_db


def _file(ticket_header: str, rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["12345政务服务便民热线工单导出"])  # the hotline system's title row
    sheet.append([ticket_header, "来电时间", "诉求标题", "诉求内容", "被反映单位"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("header", ["工单号", "工单编号", "来源工单号"])
def test_the_ticket_is_the_complaints_source_ticket(cast, header):
    data = _file(
        header,
        [
            [
                "GD-2026-0001",
                datetime.datetime(2026, 11, 2, 9, 15),
                "办证慢",
                "营业执照超时",
                "SLX-SCJ",
            ],
            ["", "2026-11-03 14:00", "态度差", "窗口态度生硬", ""],
        ],
    )

    result = reports.import_hotline(upload=data, actor=cast.officer)

    assert not result.has_errors, (result.file_error, [r.errors for r in result.rows])
    slow = Complaint.objects.get(title="办证慢")
    assert slow.source_ticket == "GD-2026-0001"
    assert slow.content == "营业执照超时"  # the ticket is not left in the text
    assert slow.source_client is None
    assert Complaint.objects.get(title="态度差").source_ticket == ""


def test_a_ticket_filed_before_is_refused_and_nothing_is_saved(cast):
    first = _file("工单号", [["GD-7", "2026-11-02 09:00", "甲", "内容甲", ""]])
    assert reports.import_hotline(upload=first, actor=cast.officer).created == 1

    again = _file(
        "来源工单号",
        [
            ["GD-8", "2026-11-02 10:00", "乙", "内容乙", ""],
            ["GD-7", "2026-11-02 09:00", "甲", "内容甲", ""],
        ],
    )
    result = reports.import_hotline(upload=again, actor=cast.officer)

    assert result.has_errors and result.created == 0
    assert any("GD-7" in error for row in result.rows for error in row.errors)
    assert Complaint.objects.count() == 1


def test_a_ticket_imported_before_source_tickets_existed_is_still_recognised(cast):
    reports.import_hotline(
        upload=_file("工单号", [["OLD-1", "2026-11-02 09:00", "旧", "内容", ""]]),
        actor=cast.officer,
    )
    # As an import before 来源工单号 filed it: the ticket as the content's first line.
    Complaint.objects.update(source_ticket="", content=f"{reports.MARKER}OLD-1\n内容")

    result = reports.parse_hotline_file(
        _file("工单编号", [["OLD-1", "2026-11-02 09:00", "旧", "内容", ""]])
    )

    assert result.has_errors


def test_a_ticket_too_long_for_the_field_is_a_row_error(cast):
    result = reports.parse_hotline_file(
        _file("工单号", [["X" * 65, "2026-11-02 09:00", "长", "内容", ""]])
    )
    assert result.rows[0].errors and not result.file_error


def test_the_ledger_export_shows_the_source_ticket(cast, client_for):
    reports.import_hotline(
        upload=_file("工单号", [["GD-42", "2026-11-02 09:00", "噪音扰民", "夜间施工", "SLX-SCJ"]]),
        actor=cast.officer,
    )

    response = client_for(cast.officer).get(reverse("complaints:export"))

    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[2]]
    at = headers.index("来源工单号")
    assert [row[at].value for row in sheet.iter_rows(min_row=3)] == ["GD-42"]
    width = sheet.column_dimensions[sheet.cell(row=2, column=at + 1).column_letter].width
    assert width >= 10  # a column of its own width, not openpyxl's default
