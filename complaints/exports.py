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
from complaints.filters import ComplaintFilter
from complaints.models import Complaint
from units.exports import Built, ExportKind, Tally
from units.models import Unit

XLSX = "complaints.ledger_xlsx"
CSV = "complaints.ledger_csv"


def exportable(user: Any, params: QueryDict | None = None) -> QuerySet[Complaint]:
    """Only staff and leaders export; the file never names the complainant. With the list's
    query string (`params`), the cases the list shows: the same filters, whatever the page;
    without, every case the user sees."""
    permissions.require_export(user)
    cases = selectors.complaints_visible_to(user=user)
    if not params:
        return cases
    return ComplaintFilter(params, cases, user=user, today=timezone.localdate()).qs


def unit_label(user: Any) -> str:
    """The title row's unit: the top unit the user sees (the county, for its office)."""
    top = Unit.objects.visible_to(user).order_by("depth", "path").first()
    return top.name if top is not None else ""


def count(user: Any, params: QueryDict) -> int:
    """The rows the ledger export would hold: one COUNT over the user's scope, filtered."""
    return exportable(user, params).order_by().count()


def filename(ext: str) -> str:
    return f"complaints-{timezone.localdate():%Y%m%d}.{ext}"


def build_xlsx(user: Any, params: QueryDict) -> Built:
    """The ledger as .xlsx in a temporary file (closing it deletes it)."""
    tally = Tally()
    content = reports.export_workbook(exportable(user, params), unit=unit_label(user), tally=tally)
    return filename("xlsx"), tally.rows, content


def build_csv(user: Any, params: QueryDict) -> Built:
    """The ledger as CSV, the direct download's stream written into a temporary file."""
    tally = Tally()
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it, which deletes it)
    for chunk in reports.export_csv(exportable(user, params), tally=tally):
        out.write(chunk)
    out.seek(0)
    return filename("csv"), tally.rows, out


def _filters_said(user: Any, params: QueryDict) -> str:
    """The list's filters in words (状态：已登记；投诉类别：服务态度), for 我的导出's title."""
    form = ComplaintFilter(params, Complaint.objects.none(), user=user).form
    form.is_valid()
    said = []
    for name, value in form.cleaned_data.items():
        if name == "sort" or value in (None, ""):
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "choices", None) or ())
        shown = value if hasattr(value, "pk") else choices.get(value, value)
        said.append(f"{field.label}：{shown}")
    return "；".join(said)


def _label(title: Any) -> Any:
    def label(user: Any, params: QueryDict) -> str:
        said = _filters_said(user, params) if params else ""
        return f"{title}（{said}）" if said else str(title)

    return label


def export_kinds() -> list[ExportKind]:
    """The `export_kinds` hook (units.extensions)."""
    title = gettext_lazy("Complaint ledger")
    csv_title = gettext_lazy("Complaint ledger (CSV)")
    return [
        ExportKind(key=XLSX, title=title, count=count, build=build_xlsx, label=_label(title)),
        ExportKind(key=CSV, title=csv_title, count=count, build=build_csv, label=_label(csv_title)),
    ]
