"""The admin's Excel exports as an office files them, and as the admin's import reads them.

The sheet is named after what it lists (not tablib's "Tablib Dataset"); a title row says
what it is, for which organisation and on which day; the header is frozen, the columns
wide enough for their Chinese text, dates are date cells. Written by the project's one
workbook writer (units.excel.writer); the import (units.excel.resource) finds the header
under the title row, so an export re-imports unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from import_export.formats.base_formats import XLSX
from import_export.tmp_storages import MediaStorage

from units.excel.staging import staging_folder
from units.excel.writer import office_workbook, title_line
from units.models import Unit

ADMIN_IMPORT_FOLDER = "admin-imports"


class StagedImportStorage(MediaStorage):
    """Where the admin's import keeps an upload between its preview and its confirmation:
    a staging folder of the media folder, which the daily sweep clears of uploads never
    confirmed (import-export's default, the system's temporary folder, is never cleared)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("MEDIA_FOLDER", ADMIN_IMPORT_FOLDER)
        super().__init__(**kwargs)

    def save(self, data: Any) -> None:
        staging_folder(ADMIN_IMPORT_FOLDER)
        super().save(data)


class ReadableXLSX(XLSX):
    """import-export's XLSX format, written in one pass by `office_workbook`."""

    def export_data(self, dataset: Any, **kwargs: Any) -> bytes:
        return office_workbook(
            sheet_name=dataset.title or "Sheet1",
            title=getattr(dataset, "office_title", None),
            headers=[str(header) for header in dataset.headers or []],
            rows=iter(dataset),
        )


def organisation_name(user: Any) -> str:
    """The organisation an export is about: the exporter's top visible unit."""
    top = Unit.objects.visible_to(user).order_by("depth", "path").values_list("name", flat=True)
    return top.first() or ""


class ReadableExportMixin:
    """For an import-export admin: the sheet takes the model's (Chinese) plural name, the
    workbook a title row ("县人民政府　单位名录（导出日期：2026-12-05）") and native cells."""

    model: Any
    # What the file is, in the title row ("单位名录"); the model's plural name if empty.
    export_title: str = ""

    def get_data_for_export(self, request: Any, queryset: Any, **kwargs: Any) -> Any:
        dataset = super().get_data_for_export(request, queryset, **kwargs)  # type: ignore[misc]
        # An Excel sheet name holds at most 31 characters.
        dataset.title = str(self.model._meta.verbose_name_plural)[:31]
        return dataset

    def get_export_data(self, file_format: Any, request: Any, queryset: Any, **kwargs: Any) -> Any:
        if not isinstance(file_format, ReadableXLSX):
            return super().get_export_data(file_format, request, queryset, **kwargs)  # type: ignore[misc]
        if not self.has_export_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        # import-export asks for native values (dates as dates) only for its own XLSX class,
        # not a subclass: ask for them here.
        dataset = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        what = self.export_title or str(self.model._meta.verbose_name_plural)
        dataset.office_title = title_line(
            organisation_name(request.user), what, day=timezone.localdate()
        )
        return file_format.export_data(dataset)
