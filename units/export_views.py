"""我的导出: the offer of a background export, the user's own exports and their download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from units import exports
from units.paging import IdsFirstPaginator

PAGE_SIZE = 30


class _JobPaginator(IdsFirstPaginator):
    # One user's exports (a week's worth): the page shows their exact number.
    count_limit = None


def export_offer(
    request: HttpRequest, *, kind: str, rows: int, params: str, back: str
) -> HttpResponse:
    """The page an export view answers with instead of a file too large to send at once;
    `back`: the list the export was asked from, to which the request's own query string (the
    list's filters) is added for the way back."""
    query = request.GET.urlencode()
    return render(
        request,
        "units/export_offer.html",
        {
            "kind": kind,
            "title": exports.export_kind(kind).title,
            "rows": rows,
            "limit": settings.ZUOFENG_EXPORT_DIRECT_MAX_ROWS,
            "params": params,
            "back": f"{back}?{query}" if query else back,
        },
    )


@login_required
@require_POST
def export_start(request: HttpRequest, kind: str) -> HttpResponse:
    """在后台生成: file the export (or find the same one pending) and show 我的导出."""
    try:
        job, created = exports.export_request(
            user=request.user, kind=kind, params=request.POST.get("params", "")
        )
    except exports.UnknownExport:
        raise Http404 from None
    if created:
        messages.success(
            request,
            _("“%(label)s” is being generated; you will be notified when it is ready.")
            % {"label": job.label},
        )
    else:
        messages.info(
            request,
            _("“%(label)s” is already being generated; it was not requested again.")
            % {"label": job.label},
        )
    return redirect("units:export_list")


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    """The user's own background exports, newest first."""
    paginator = _JobPaginator(exports.exports_of(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "units/export_list.html",
        {"page": page, "keep_days": settings.ZUOFENG_EXPORT_KEEP_DAYS},
    )


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The finished file, to its requester only (anyone else: 404)."""
    job = exports.get_export_for_user_or_404(request.user, pk)
    if not job.file or not job.file.storage.exists(job.file.name):
        raise Http404
    exports.export_logged(request=request, title=job.label, rows=job.rows)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
