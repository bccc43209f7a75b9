"""Cells and workbooks: reading Excel safely and writing it back without formulas.

Clerks type codes and phone numbers that Excel turns into numbers, and some cells start
with characters a spreadsheet would run as a formula: `cell_text` and
`neutralise_formula` undo and prevent both. `check_xlsx_upload` refuses zip bombs and
oversized sheets before anything parses them; units.excel.reader reads every upload.
"""

from __future__ import annotations

import unicodedata
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A cell starting with one of these is run as a formula by Excel, LibreOffice and WPS
# (OWASP "CSV injection"). import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only
# strips a leading "=" (and turns every cell into text), so exports escape here instead.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_MAX_COUNT = 2_147_483_647  # PositiveIntegerField's ceiling on every database


def neutralise_formula(value: Any) -> Any:
    """Prefix an apostrophe to text a spreadsheet would otherwise evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def cell_code(value: Any) -> str:
    """A code, number or date typed in a cell: full-width characters folded, no spaces.

    Chinese input methods type ＳＬＸ－００１ and ２０２６．１２．３１; they mean SLX-001
    and 2026.12.31.
    """
    return "".join(unicodedata.normalize("NFKC", cell_text(value)).split())


def cell_text(value: Any) -> str:
    """A cell as trimmed text, undoing what Excel and our own exports do to it.

    Excel stores codes and phone numbers typed as numbers (1001 may come back as 1001.0),
    and our exports prefix an apostrophe to formula-like text: both are reversed so that
    an exported file imports back unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]
    return text


# Every Excel import reads the whole sheet: refuse, before parsing, a workbook that
# unpacks to more than this (a "zip bomb" of a few hundred KB can hold gigabytes of XML)
# or that has more rows than any real ledger, hotline export or unit list.
XLSX_MAX_UNPACKED = 50 * 1024 * 1024
XLSX_MAX_ROWS = 20_000


def check_xlsx_upload(upload: Any) -> None:
    """Refuse an .xlsx that would inflate hugely or has too many rows (before parsing it).

    Not-a-zip files pass through: each importer reports them in its own words.
    """
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        if not zipfile.is_zipfile(upload):
            return
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > XLSX_MAX_UNPACKED:
                raise ValidationError(
                    _("The workbook unpacks to more than %(mb)d MB and cannot be imported.")
                    % {"mb": XLSX_MAX_UNPACKED // (1024 * 1024)}
                )
            rows = 0
            for member in members:
                if not member.filename.startswith("xl/worksheets/"):
                    continue
                with archive.open(member) as stream:
                    tail = b""
                    while chunk := stream.read(1024 * 1024):
                        rows += (tail + chunk).count(b"<row") - tail.count(b"<row")
                        tail = chunk[-4:]
            if rows > XLSX_MAX_ROWS + 30:  # the header and the title lines above it
                raise ValidationError(
                    _(
                        "The workbook has more than %(max)s rows; split it into smaller files "
                        "and import them one by one."
                    )
                    % {"max": XLSX_MAX_ROWS}
                )
    except zipfile.BadZipFile:
        return
    finally:
        upload.seek(position)
