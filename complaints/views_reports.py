"""The ledger (投诉台账), figures, Excel export and hotline import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from complaints import forms, permissions, reports, selectors
from complaints.filters import ComplaintFilter
from complaints.models import Complaint

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
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    rows = [(c, selectors.age_in_days(c, today)) for c in page]
    return render(
        request,
        "complaints/ledger.html",
        {
            "page": page,
            "rows": rows,
            "today": today,
            "total": page.paginator.count,
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
    return render(
        request,
        "complaints/figures.html",
        {"rows": rows, "by": by, "year": year, "dimensions": DIMENSION_LABELS, "today": today},
    )


def _exportable(request: HttpRequest) -> QuerySet[Complaint]:
    """Only staff and leaders export; the file never names the complainant."""
    permissions.require_export(request.user)
    return selectors.complaints_visible_to(user=request.user)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The ledger as .xlsx (built row by row in a temporary file; for any size, the CSV)."""
    with reports.export_workbook(_exportable(request)) as content:
        data = content.read()
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="complaints-{stamp}.xlsx"'
    return response


@login_required
@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The ledger as CSV for Excel, streamed row by row: any size in flat memory."""
    response = StreamingHttpResponse(
        reports.export_csv(_exportable(request)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="complaints-{stamp}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_hotline(request: HttpRequest) -> HttpResponse:
    permissions.require_handler(request.user)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {
        "form": form,
        "required": reports.IMPORT_REQUIRED,
        "optional": reports.IMPORT_OPTIONAL,
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "complaints/import.html", context, status=400)
        upload = form.cleaned_data["file"]
        if request.POST.get("confirm") == "1":
            result = reports.import_hotline(upload=upload, actor=request.user)
        else:
            result = reports.parse_hotline_file(upload)
        context["result"] = result
        context["preview"] = request.POST.get("confirm") != "1"
        if result.has_errors:
            return render(request, "complaints/import.html", context, status=400)
        if result.created:
            messages.success(
                request, _("%(count)d complaints imported.") % {"count": result.created}
            )
    return render(request, "complaints/import.html", context)
