"""The admin's Excel exports as a reader expects them: the sheet named after what it lists
(not tablib's "Tablib Dataset"), the header frozen, columns wide enough for their Chinese
text and dates as dates, written by the project's one workbook writer (units.excel.writer)."""

from __future__ import annotations

from typing import Any

from import_export.formats.base_formats import XLSX

from units.excel.writer import office_workbook


class ReadableXLSX(XLSX):
    """import-export's XLSX format, written in one pass by `office_workbook` (no title row:
    the admin's import reads the header from the first row)."""

    def export_data(self, dataset: Any, **kwargs: Any) -> bytes:
        return office_workbook(
            sheet_name=dataset.title or "Sheet1",
            title=None,
            headers=[str(header) for header in dataset.headers or []],
            rows=iter(dataset),
        )


class ReadableExportMixin:
    """For an import-export admin: the sheet takes the model's (Chinese) plural name."""

    model: Any

    def get_data_for_export(self, request: Any, queryset: Any, **kwargs: Any) -> Any:
        dataset = super().get_data_for_export(request, queryset, **kwargs)  # type: ignore[misc]
        # An Excel sheet name holds at most 31 characters.
        dataset.title = str(self.model._meta.verbose_name_plural)[:31]
        return dataset
