"""The upload field every import page uses: the formats the reader takes, size-checked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.excel.cells import check_xlsx_upload
from units.excel.reader import ACCEPT_ATTRIBUTE, ACCEPTED_EXTENSIONS

FILE_LABEL = gettext_lazy("Spreadsheet (.xlsx, .xls, .ods or .csv)")


def clean_spreadsheet(upload: Any, *, max_bytes: int) -> Any:
    """Refuse what the reader cannot take, before anything parses it."""
    if not upload.name.lower().endswith(ACCEPTED_EXTENSIONS):
        raise forms.ValidationError(
            _("Upload a spreadsheet: Excel (.xlsx, .xls), WPS or LibreOffice (.ods), or CSV.")
        )
    if upload.size > max_bytes:
        raise forms.ValidationError(
            _("The file is too large (at most %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)}
        )
    check_xlsx_upload(upload)
    return upload


class SpreadsheetInput(forms.ClearableFileInput):
    """A file input offering the spreadsheet formats in the browser's dialog."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"accept": ACCEPT_ATTRIBUTE, **(attrs or {})})
