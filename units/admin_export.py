"""The admin's Excel exports as a reader expects them: the sheet named after what it lists
(not tablib's "Tablib Dataset") and columns wide enough for their Chinese text."""

from __future__ import annotations

import unicodedata
from io import BytesIO
from typing import Any

from import_export.formats.base_formats import XLSX
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

MIN_WIDTH, MAX_WIDTH = 8, 60


def display_width(value: Any) -> int:
    """Columns a cell's text needs: a Chinese character takes two."""
    text = "" if value is None else str(value)
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


class ReadableXLSX(XLSX):
    """tablib's workbook, its columns sized to their widest cell (CJK counted double)."""

    def export_data(self, dataset: Any, **kwargs: Any) -> bytes:
        data = super().export_data(dataset, **kwargs)
        book = load_workbook(BytesIO(data))
        sheet = book.worksheets[0]
        widths: dict[int, int] = {}
        for row in sheet.iter_rows(values_only=True):
            for index, value in enumerate(row, start=1):
                widths[index] = max(widths.get(index, 0), display_width(value))
        for index, width in widths.items():
            sheet.column_dimensions[get_column_letter(index)].width = min(
                MAX_WIDTH, max(MIN_WIDTH, width + 2)
            )
        out = BytesIO()
        book.save(out)
        return out.getvalue()


class ReadableExportMixin:
    """For an import-export admin: the sheet takes the model's (Chinese) plural name."""

    model: Any

    def get_data_for_export(self, request: Any, queryset: Any, **kwargs: Any) -> Any:
        dataset = super().get_data_for_export(request, queryset, **kwargs)  # type: ignore[misc]
        # An Excel sheet name holds at most 31 characters.
        dataset.title = str(self.model._meta.verbose_name_plural)[:31]
        return dataset
