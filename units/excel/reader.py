"""The one reader every import goes through: spreadsheets the way offices write them.

Clerks send .xlsx from Excel and WPS, .xls from old Excel, .ods from LibreOffice and CSV in
UTF-8 (with or without a BOM) or GB18030, which Chinese Excel and WPS write by default.
Every workbook is read with python-calamine (formula cells give their last computed value;
nothing is ever evaluated). An office's ledger has a title row, a blank row or a note above
the header: `find_header` looks for the row that names the expected columns instead of
assuming the first. Cells merged over several rows (a unit code for three items, a header
spanning two header rows) give their value to every row they cover.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

from units.excel.cells import XLSX_MAX_ROWS, cell_text, check_xlsx_upload

# What an upload may be called; the content, not the name, decides how it is read.
ACCEPTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_EXTENSIONS)
# The header is looked for in the first rows only: a title, a subtitle, the unit and date,
# a note or two. A header further down is not a header a clerk would recognise.
HEADER_SCAN_ROWS = 30
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other old Office files)
# Lines under the table that are not rows: "注：…", "填表人：…", "制表日期：…".
_NOTE_PREFIXES = ("注", "说明", "备注：", "备注:", "填表", "制表", "审核", "联系人", "签字", "盖章")


def header_text(value: Any) -> str:
    """A header cell as compared: full-width folded, spaces, line breaks and marks removed.

    "单位编码 ", "单位 编码", "单位编码*" and "单位编码（必填）" all name 单位编码.
    """
    text = unicodedata.normalize("NFKC", cell_text(value))
    text = "".join(text.split())
    for suffix in ("(必填)", "(选填)", "*"):
        text = text.removesuffix(suffix)
    return text.removeprefix("*")


@dataclass
class Table:
    """A sheet's header and its data rows, each numbered as Excel shows it."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    header_row: int  # 1-based, as Excel numbers it
    file_format: str = ""
    skipped_above: int = field(default=0)

    def records(self) -> Iterable[tuple[int, dict[str, Any]]]:
        for number, values in self.rows:
            yield number, dict(zip(self.headers, values, strict=False))

    def dataset(self) -> tablib.Dataset:
        """As import-export reads it; `excel_rows` keeps the sheet's row numbers."""
        dataset = tablib.Dataset()
        width = len(self.headers)
        dataset.headers = self.headers
        for _number, values in self.rows:
            dataset.append(_fit(values, width))
        dataset.excel_rows = [number for number, _values in self.rows]  # type: ignore[attr-defined]
        dataset.header_row = self.header_row  # type: ignore[attr-defined]
        return dataset


def _fit(values: Sequence[Any], width: int) -> list[Any]:
    values = list(values[:width])
    if len(values) < width:
        values.extend([""] * (width - len(values)))
    return values


def sniff_format(content: bytes) -> str:
    """ "xlsx", "ods", "xls" or "csv", from the bytes (a renamed file still reads)."""
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                    return "ods"
                if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        return "zip"
    if content[:8] == _OLE2:
        return "xls"
    return "csv"


def decode_text(content: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), else GB18030 (GBK is a subset)."""
    if content.startswith(b"\xff\xfe") or content.startswith(b"\xfe\xff"):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file's text encoding could not be recognised; save it as UTF-8 or GBK CSV.")
        ) from None


def read_grid(content: bytes) -> tuple[list[list[Any]], str]:
    """Every row of the first visible sheet from row 1 on, merged ranges filled, and the format."""
    kind = sniff_format(content)
    if kind == "zip" or (kind == "csv" and b"\x00" in content[:4096]):
        raise ValidationError(
            _(
                "The file could not be read: upload an Excel (.xlsx, .xls), WPS or LibreOffice (.ods) workbook, or a CSV file."
            )
        )
    if kind == "csv":
        return _csv_grid(content), kind
    if kind in ("xlsx", "ods"):
        check_xlsx_upload(io.BytesIO(content))
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        index = next(
            (
                i
                for i, meta in enumerate(book.sheets_metadata)
                if str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet")
            ),
            0,
        )
        sheet = book.get_sheet_by_index(index)
        if sheet.total_height > XLSX_MAX_ROWS + HEADER_SCAN_ROWS:
            raise ValidationError(
                _(
                    "The workbook has more than %(max)s rows; split it into smaller files "
                    "and import them one by one."
                )
                % {"max": XLSX_MAX_ROWS}
            )
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges
        if merged is None and kind == "ods":
            merged = _ods_merged(content, index)  # calamine does not report them for .ods
    except ValidationError:
        raise
    except Exception:  # calamine raises its own kinds for a damaged or encrypted file
        raise ValidationError(
            _(
                "The file could not be read as a workbook; open it in Excel or WPS and save it again."
            )
        ) from None
    _fill_merged(rows, merged or [])
    return rows, kind


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_merged(content: bytes, sheet_index: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged ranges of an .ods sheet, from its content.xml (0-based, inclusive)."""
    from xml.etree.ElementTree import iterparse

    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    table, row, column = -1, -1, 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("content.xml") as xml:
        # The archive's unpacked size is capped (check_xlsx_upload) and expat refuses
        # entity-expansion bombs; only the cells' span attributes are read.
        for event, element in iterparse(xml, events=("start", "end")):  # noqa: S314
            tag = element.tag
            if event == "start":
                if tag == f"{_ODS_TABLE}table":
                    table += 1
                    row = -1
                elif table == sheet_index and tag == f"{_ODS_TABLE}table-row":
                    row += 1
                    column = 0
                elif table == sheet_index and tag in (
                    f"{_ODS_TABLE}table-cell",
                    f"{_ODS_TABLE}covered-table-cell",
                ):
                    rows_spanned = int(element.get(f"{_ODS_TABLE}number-rows-spanned", "1"))
                    columns_spanned = int(element.get(f"{_ODS_TABLE}number-columns-spanned", "1"))
                    if rows_spanned > 1 or columns_spanned > 1:
                        merged.append(
                            ((row, column), (row + rows_spanned - 1, column + columns_spanned - 1))
                        )
                    column += int(element.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
                continue
            if table == sheet_index and tag == f"{_ODS_TABLE}table-row":
                row += int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1")) - 1
            elif tag == f"{_ODS_TABLE}table" and table == sheet_index:
                break
            element.clear()
    return merged


def _csv_grid(content: bytes) -> list[list[Any]]:
    text = decode_text(content)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if len(rows) > XLSX_MAX_ROWS + HEADER_SCAN_ROWS:
        raise ValidationError(
            _(
                "The workbook has more than %(max)s rows; split it into smaller files "
                "and import them one by one."
            )
            % {"max": XLSX_MAX_ROWS}
        )
    return rows


def _fill_merged(rows: list[list[Any]], merged: Iterable[Any]) -> None:
    """A range merged over several rows gives its value to each row it covers.

    A range within one row (a title across the sheet, a note under it) is left as Excel
    shows it: its text once, in its first cell.
    """
    for (top, left), (bottom, right) in merged:
        if bottom <= top or top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else ""
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            line = rows[r]
            for c in range(left, right + 1):
                if c < len(line) and cell_text(line[c]) == "":
                    line[c] = value


def find_header(
    grid: Sequence[Sequence[Any]], *, expected: Iterable[str], required: Iterable[str] = ()
) -> int | None:
    """The 0-based index of the header row: the first that names every required column,
    else the one naming most expected columns (None when no row names any)."""
    wanted = {header_text(name) for name in expected} | {header_text(n) for n in required}
    needed = {header_text(name) for name in required}
    best, best_score = None, 0
    for index, line in enumerate(grid[:HEADER_SCAN_ROWS]):
        names = {header_text(value) for value in line} - {""}
        if needed and needed <= names:
            return index
        score = len(names & wanted)
        if score > best_score:
            best, best_score = index, score
    return best


def is_note(values: Sequence[Any]) -> bool:
    """A line under the table holding only notes ("注：…", "填表人：张三  联系电话：…")."""
    first = next((text for text in map(cell_text, values) if text), "")
    if not first.startswith(_NOTE_PREFIXES):
        return False  # a data row: decided on its first cell, cheaply
    filled = [text for text in map(cell_text, values) if text]
    return len(filled) == 1 or all("：" in text or ":" in text for text in filled)


def locate(
    grid: list[list[Any]],
    *,
    expected: Iterable[str],
    required: Iterable[str] = (),
    file_format: str = "",
) -> Table:
    """The table in a grid: the header found, blank and note lines dropped, rows numbered."""
    expected, required = list(expected), list(required)
    at = find_header(grid, expected=expected, required=required)
    if at is None:
        if not any(any(cell_text(v) for v in line) for line in grid):
            raise ValidationError(_("The file is empty."))
        raise ValidationError(
            _(
                "No header row was found in the first %(count)s rows: the file must have a row "
                "naming the columns %(columns)s."
            )
            % {"count": HEADER_SCAN_ROWS, "columns": "、".join(required or expected)}
        )
    # The header's own names, tidied; the expected spelling where one is meant.
    canonical = {header_text(name): name for name in [*expected, *required]}
    headers = []
    for value in grid[at]:
        text = header_text(value)
        headers.append(canonical.get(text, text))
    width = len(headers)
    rows = [
        (number, _fit(line, width))
        for number, line in enumerate(grid[at + 1 :], start=at + 2)
        if any(cell_text(v) for v in line) and not is_note(line)
    ]
    missing = [name for name in required if name not in headers]
    if missing:
        if at == 0:
            raise ValidationError(
                _("The file lacks required columns: %(columns)s.") % {"columns": "、".join(missing)}
            )
        raise ValidationError(
            _("The file lacks required columns: %(columns)s (row %(row)s was taken as the header).")
            % {"columns": "、".join(missing), "row": at + 1}
        )
    return Table(headers=headers, rows=rows, header_row=at + 1, file_format=file_format)


def read_table(content: bytes, *, expected: Iterable[str], required: Iterable[str] = ()) -> Table:
    """Read an upload and locate its table (raises ValidationError with a Chinese message)."""
    grid, kind = read_grid(content)
    return locate(grid, expected=expected, required=required, file_format=kind)


def raw_dataset(content: bytes) -> tablib.Dataset:
    """The whole first sheet as a Dataset whose headers are row 1 (for import-export);
    ZuofengResource.before_import finds the real header in it."""
    grid, _kind = read_grid(content)
    dataset = tablib.Dataset()
    if not grid:
        return dataset
    width = max(len(line) for line in grid)
    dataset.headers = _fit(grid[0], width)
    for line in grid[1:]:
        dataset.append(_fit(line, width))
    dataset.excel_rows = list(range(2, len(grid) + 1))  # type: ignore[attr-defined]
    return dataset


# import-export formats (the admin's import pages): all read by the one reader.


class CalamineXLSX(XLSX):
    """A workbook read with python-calamine through the one reader (units.excel.reader).

    Some twenty times faster than openpyxl. Whatever the extension, the content decides:
    .xlsx, .xls, .ods and CSV (UTF-8 or GB18030) all read. Formula cells give their last
    computed value. The whole first sheet is returned, row 1 as headers; the resource
    finds the real header row (below a title row) and keeps Excel's row numbers.
    """

    def create_dataset(self, in_stream: Any) -> tablib.Dataset:
        return raw_dataset(bytes(in_stream))


class CalamineXLS(CalamineXLSX):
    """Old Excel (.xls) files, read by the same reader."""

    def get_title(self) -> str:
        return "xls"

    def get_extension(self) -> str:
        return "xls"


class CalamineODS(CalamineXLSX):
    """LibreOffice and WPS (.ods) files, read by the same reader."""

    def get_title(self) -> str:
        return "ods"

    def get_extension(self) -> str:
        return "ods"

    def get_content_type(self) -> str:
        return "application/vnd.oasis.opendocument.spreadsheet"
