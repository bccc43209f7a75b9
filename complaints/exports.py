"""The complaint ledger's exports (.xlsx and CSV): one builder for the direct download and
for the background export (units.exports) that takes over when there are too many rows."""

from __future__ import annotations

import tempfile
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints import permissions, reports, selectors
from complaints.models import Complaint
from units.exports import Built, ExportKind, Tally
from units.models import Unit

XLSX = "complaints.ledger_xlsx"
CSV = "complaints.ledger_csv"


def exportable(user: Any) -> QuerySet[Complaint]:
    """Only staff and leaders export; the file never names the complainant."""
    permissions.require_export(user)
    return selectors.complaints_visible_to(user=user)


def unit_label(user: Any) -> str:
    """The title row's unit: the top unit the user sees (the county, for its office)."""
    top = Unit.objects.visible_to(user).order_by("depth", "path").first()
    return top.name if top is not None else ""


def count(user: Any, params: QueryDict) -> int:
    """The rows the ledger export would hold: one COUNT over the user's scope."""
    return exportable(user).order_by().count()


def filename(ext: str) -> str:
    return f"complaints-{timezone.localdate():%Y%m%d}.{ext}"


def build_xlsx(user: Any, params: QueryDict) -> Built:
    """The ledger as .xlsx in a temporary file (closing it deletes it)."""
    tally = Tally()
    content = reports.export_workbook(exportable(user), unit=unit_label(user), tally=tally)
    return filename("xlsx"), tally.rows, content


def build_csv(user: Any, params: QueryDict) -> Built:
    """The ledger as CSV, the direct download's stream written into a temporary file."""
    tally = Tally()
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it, which deletes it)
    for chunk in reports.export_csv(exportable(user), tally=tally):
        out.write(chunk)
    out.seek(0)
    return filename("csv"), tally.rows, out


def export_kinds() -> list[ExportKind]:
    """The `export_kinds` hook (units.extensions)."""
    title = gettext_lazy("Complaint ledger")
    return [
        ExportKind(key=XLSX, title=title, count=count, build=build_xlsx),
        ExportKind(
            key=CSV,
            title=gettext_lazy("Complaint ledger (CSV)"),
            count=count,
            build=build_csv,
        ),
    ]
