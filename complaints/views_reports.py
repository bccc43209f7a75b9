"""The ledger (投诉台账), figures, Excel export and hotline import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from complaints import exports, forms, permissions, reports, selectors
from complaints.filters import ComplaintFilter
from complaints.models import Complaint
from units.excel.report import GROUPED_SHOWN, group_problems
from units.excel.staging import Staged
from units.excel.writer import XLSX_TYPE
from units.export_views import export_offer
from units.exports import export_kind, export_logged, too_many_rows
from units.paging import IdsFirstPaginator

FIGURE_ROWS = 100
DIMENSION_LABELS = {
    "unit": gettext_lazy("By unit complained about"),
    "handling_unit": gettext_lazy("By handling unit"),
    "category": gettext_lazy("By category"),
    "channel": gettext_lazy("By channel"),
    "month": gettext_lazy("By month"),
}


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """投诉台账: every open case, oldest first, with the lists' filters."""
    today = timezone.localdate()
    labels = dict(Complaint.Status.choices)
    filterset = ComplaintFilter(
        request.GET,
        selectors.ledger(user=request.user),
        user=request.user,
        today=today,
        statuses=[(status, labels[status]) for status in Complaint.OPEN_STATUSES],
        default_sort="old",
    )
    paginator = IdsFirstPaginator(filterset.qs, 50)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(c, selectors.age_in_days(c, today)) for c in page]
    return render(
        request,
        "complaints/ledger.html",
        {
            "page": page,
            "rows": rows,
            "today": today,
            "total": paginator.shown_count,
            "filter": filterset,
        },
    )


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    permissions.require_view_figures(request.user)
    by = request.GET.get("by", "unit")
    if by not in selectors.DIMENSIONS:
        by = "unit"
    try:
        year = int(request.GET.get("year", "")) or None
    except ValueError:
        year = None
    today = timezone.localdate()
    rows = selectors.figures(user=request.user, by=by, year=year, today=today)
    # A province has 10,000 units: a table of them is read a page at a time.
    page = Paginator(rows, FIGURE_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/figures.html",
        {
            "rows": page.object_list,
            "page": page,
            "by": by,
            "year": year,
            "dimensions": DIMENSION_LABELS,
            "today": today,
        },
    )


def _export_title(kind: str, request: HttpRequest) -> str:
    return export_kind(kind).label_for(request.user, request.GET)


def _offer(request: HttpRequest, kind: str, rows: int) -> HttpResponse:
    """Too many rows to send at once: the background export, with the list's filters."""
    return export_offer(
        request,
        kind=kind,
        rows=rows,
        params=request.GET.urlencode(),
        back=reverse("complaints:list"),
    )


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The ledger as .xlsx, built row by row in a temporary file and sent from it (the
    finished file is never read into memory); above the direct limit, offered in the background."""
    rows = exports.count(request.user, request.GET)
    if too_many_rows(rows):
        return _offer(request, exports.XLSX, rows)
    name, built, content = exports.build_xlsx(request.user, request.GET)
    export_logged(request=request, title=_export_title(exports.XLSX, request), rows=built)
    # FileResponse closes the temporary file when the response is done, which deletes it.
    return FileResponse(content, as_attachment=True, filename=name, content_type=XLSX_TYPE)


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """The ledger as CSV for Excel, streamed row by row; above the direct limit, offered in
    the background (a province's file takes longer than a request may)."""
    rows = exports.count(request.user, request.GET)
    if too_many_rows(rows):
        return _offer(request, exports.CSV, rows)
    export_logged(request=request, title=_export_title(exports.CSV, request), rows=rows)
    response = StreamingHttpResponse(
        reports.export_csv(exports.exportable(request.user, request.GET)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
    return response


IMPORT_FOLDER = "complaint-imports"
IMPORT_SESSION_KEY = "complaint_import"
PREVIEW_PAGE = 50


def _import_page(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render(request, "complaints/import.html", context, status=status)


def _refused(request: HttpRequest, context: dict[str, Any], result: Any) -> HttpResponse:
    groups = group_problems(reports.problems(result))
    context.update(
        {
            "problems": groups[:GROUPED_SHOWN],
            "problems_hidden": max(0, len(groups) - GROUPED_SHOWN),
            "header_row": result.header_row,
        }
    )
    return _import_page(request, context, status=400)


def _preview_rows(result: Any) -> list[dict[str, Any]]:
    return [
        {
            "row": row.line,
            "ticket": row.values["ticket"],
            "received_at": timezone.localtime(row.values["received_at"]).strftime("%Y-%m-%d %H:%M"),
            "title": row.values["title"],
            "unit": row.values["subject_unit"].name if row.values["subject_unit"] else "",
            "category": row.values["category"].name if row.values["category"] else "",
            "urgent": row.values["urgent"],
        }
        for row in result.rows
    ]


def _show_preview(
    request: HttpRequest, context: dict[str, Any], token: str, preview: dict[str, Any]
) -> HttpResponse:
    page = Paginator(preview["rows"], PREVIEW_PAGE).get_page(request.GET.get("page"))
    context.update({"token": token, "preview": preview, "page": page})
    return _import_page(request, context)


def _finished(request: HttpRequest, done: dict[str, Any]) -> HttpResponse:
    messages.info(
        request,
        _(
            "This file was already imported at %(time)s: %(count)s complaints. Nothing was added again."
        )
        % {"time": done["at"], "count": done["created"]},
    )
    return redirect("complaints:ledger")


@login_required
@require_http_methods(["GET", "POST"])
def import_hotline(request: HttpRequest) -> HttpResponse:
    """Upload → preview of the cases (nothing saved) → confirm once; all or nothing."""
    permissions.require_handler(request.user)
    context: dict[str, Any] = {
        "form": forms.ImportForm(),
        "required": reports.IMPORT_REQUIRED,
        "optional": reports.IMPORT_OPTIONAL,
    }
    token = request.POST.get("token") or request.GET.get("token")
    if token is not None:
        if request.session.get(IMPORT_SESSION_KEY) != token:
            raise Http404
        staged = Staged(IMPORT_FOLDER, token)
        if request.method == "GET":
            done = staged.done()
            if done is not None:
                return _finished(request, done)
            preview = staged.preview()
            if preview is None:
                messages.error(request, _("The uploaded file has expired; upload it again."))
                return redirect("complaints:import")
            return _show_preview(request, context, token, preview)
        content = staged.claim()
        if content is None:
            done = staged.done()
            if done is not None:
                return _finished(request, done)
            if staged.in_progress():
                messages.info(
                    request, _("This file is being imported; the ledger shows it shortly.")
                )
                return redirect("complaints:ledger")
            messages.error(request, _("The uploaded file has expired; upload it again."))
            return redirect("complaints:import")
        try:
            result = reports.import_hotline(upload=content, actor=request.user)
        except Exception:
            staged.abandon()
            raise
        if result.has_errors:
            staged.abandon()
            return _refused(request, context, result)
        staged.finish({"created": result.created, "at": timezone.localtime().strftime("%H:%M")})
        messages.success(request, _("%(count)d complaints imported.") % {"count": result.created})
        return redirect("complaints:ledger")
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return _import_page(request, context, status=400)
        upload = form.cleaned_data["file"]
        content = upload.read()
        if request.POST.get("confirm") == "1":
            # A file checked before and sent again with its confirmation (scripts, the
            # previous form): imported at once, all or nothing; tickets are never filed twice.
            result = reports.import_hotline(upload=content, actor=request.user)
            if result.has_errors:
                return _refused(request, context, result)
            messages.success(
                request, _("%(count)d complaints imported.") % {"count": result.created}
            )
            return _import_page(request, context)
        result = reports.parse_hotline_file(content)
        if result.has_errors:
            return _refused(request, context, result)
        preview = {
            "filename": upload.name,
            "header_row": result.header_row,
            "count": len(result.rows),
            "rows": _preview_rows(result),
        }
        staged = Staged.create(IMPORT_FOLDER, content, preview)
        request.session[IMPORT_SESSION_KEY] = staged.token
        return _show_preview(request, context, staged.token, preview)
    return _import_page(request, context)
