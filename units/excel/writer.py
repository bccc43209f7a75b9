"""Workbooks an office can file: a title row, the header frozen, readable widths, dates as dates.

Every export goes through `office_workbook`, and every export re-imports unchanged: the
reader (units.excel.reader) finds the header under the title row. Text that a spreadsheet
would run as a formula is escaped (units.excel.cells.neutralise_formula).
"""

from __future__ import annotations

import datetime
import io
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from units.excel.cells import neutralise_formula

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# A sheet holds 1,048,576 rows: the title, the header and this many rows, then a new sheet.
SHEET_ROWS = 1_048_574
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_SAMPLE_ROWS = 200  # widths are judged from the first rows: a million-row export streams


def text_width(text: str) -> int:
    """Columns a text takes in Excel: a Chinese character is two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def title_line(*parts: Any, day: datetime.date | None = None) -> str:
    """ "县市场监督管理局　作风建设专项活动　整改台账（导出日期：2026-12-05）"."""
    title = "　".join(str(part) for part in parts if part)
    if day is not None:
        title += f"（导出日期：{day:%Y-%m-%d}）"
    return title


def _cell(sheet: Any, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _widths(headers: Sequence[str], sample: Sequence[Sequence[Any]]) -> list[float]:
    widths: list[float] = []
    for index, header in enumerate(headers):
        longest = text_width(str(header))
        for row in sample:
            if index < len(row) and row[index] is not None:
                value = row[index]
                if isinstance(value, datetime.datetime):
                    size = 16
                elif isinstance(value, datetime.date):
                    size = 10
                else:
                    size = max(text_width(line) for line in str(value).split("\n"))
                longest = max(longest, size)
        widths.append(min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2)))
    return widths


def write_office_workbook(
    out: IO[bytes],
    *,
    sheet_name: str,
    title: str | None,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float] | None = None,
) -> None:
    """Write the workbook to `out` in constant memory (openpyxl's write-only mode); with
    `title` None, the header is the first row (the admin's exports, as import-export reads)."""
    book = Workbook(write_only=True)
    title_font = Font(bold=True, size=14)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(vertical="top", wrap_text=True)
    iterator = iter(rows)
    sample: list[Sequence[Any]] = []
    for row in iterator:
        sample.append(row)
        if len(sample) >= _SAMPLE_ROWS:
            break
    column_widths = list(widths) if widths else _widths(headers, sample)

    def new_sheet(number: int) -> Any:
        sheet = book.create_sheet(sheet_name if number == 1 else f"{sheet_name}{number}")
        sheet.freeze_panes = "A3" if title is not None else "A2"  # the header stays in view
        for index, width in enumerate(column_widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if title is not None:
            sheet.append([_cell(sheet, title, font=title_font)])
        sheet.append([_cell(sheet, h, font=header_font, fill=header_fill) for h in headers])
        return sheet

    def prepared(sheet: Any, row: Sequence[Any]) -> list[Any]:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, datetime.datetime):
                cell = _cell(sheet, value.replace(tzinfo=None), number_format=DATETIME_FORMAT)
            elif isinstance(value, datetime.date):
                cell = _cell(sheet, value, number_format=DATE_FORMAT)
            elif isinstance(value, str):
                text = neutralise_formula(value)
                cell = _cell(sheet, text, alignment=wrap) if "\n" in text else text
            else:
                cell = value
            cells.append(cell)
        return cells

    count = 1
    sheet = new_sheet(count)
    filled = 0
    for source in (sample, iterator):
        for row in source:
            if filled >= SHEET_ROWS:
                count += 1
                sheet = new_sheet(count)
                filled = 0
            sheet.append(prepared(sheet, row))
            filled += 1
    book.save(out)


def office_workbook(**kwargs: Any) -> bytes:
    """`write_office_workbook` into bytes (for exports of a few thousand rows)."""
    out = io.BytesIO()
    write_office_workbook(out, **kwargs)
    return out.getvalue()


def office_workbook_file(**kwargs: Any) -> IO[bytes]:
    """`write_office_workbook` into a temporary file the caller reads and closes."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it, which deletes it)
    write_office_workbook(out, **kwargs)
    out.seek(0)
    return out
