"""Ledger (整改台账) export to Excel and import with a preview; all or nothing.

The upload is read by the one reader (units.excel.reader: .xlsx, .xls, .ods, CSV; the
header found under any title rows). The preview lists every row to be added or changed,
paged, numbered as Excel numbers them; it is kept next to the upload under a random token
so that its pages are cheap. Confirming claims the upload by renaming it, so a second click
(or a second tab) files nothing twice and is shown the finished import instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from campaign import ledger_export as ledger_export_kind
from campaign import permissions
from campaign.forms import ImportForm
from campaign.ledger_import import ledger_confirm, ledger_preview
from campaign.models import Campaign
from units.excel.report import GROUPED_SHOWN, group_problems
from units.excel.staging import Staged
from units.excel.writer import XLSX_TYPE
from units.export_views import export_offer
from units.exports import export_logged, too_many_rows
from units.models import Unit
from units.selectors import ACT, unit_scope_q

PREVIEW_PAGE = 50
SESSION_KEY = "campaign_import"
FOLDER = "campaign-imports"


@login_required
@require_GET
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The visible ledger (with the page's filters) as an .xlsx an office can file; above
    the direct limit, offered as a background export (我的导出)."""
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    rows = ledger_export_kind.count_in(request.user, campaign, request.GET)
    if too_many_rows(rows):
        params = ledger_export_kind.params_for(campaign, request.GET)
        return export_offer(
            request,
            kind=ledger_export_kind.KIND,
            rows=rows,
            params=params,
            back=reverse("campaign:ledger", args=[campaign.pk]),
        )
    name, built, content = ledger_export_kind.build_in(request.user, campaign, request.GET)
    export_logged(request=request, title=ledger_export_kind.title_of(campaign), rows=built)
    # FileResponse closes the temporary file when the response is done, which deletes it.
    return FileResponse(content, as_attachment=True, filename=name, content_type=XLSX_TYPE)


def _preview_context(preview: dict[str, Any], page_number: Any) -> dict[str, Any]:
    duplicates = set(preview["duplicates"])
    page = Paginator(preview["rows"], PREVIEW_PAGE).get_page(page_number)
    rows = [
        {
            "row": row["row"],
            "kind": row["kind"],
            "duplicate": row["row"] in duplicates,
            "cells": [
                {"value": value, "changed": column in row["changed"]}
                for column, value in zip(preview["columns"], row["cells"], strict=False)
            ],
        }
        for row in page
    ]
    return {"preview": preview, "page": page, "rows": rows}


def _refused(request: HttpRequest, context: dict[str, Any], problems: list[dict[str, Any]]):
    groups = group_problems(problems)
    context["problems"] = groups[:GROUPED_SHOWN]
    context["problems_hidden"] = max(0, len(groups) - GROUPED_SHOWN)
    return render(request, "campaign/ledger_import.html", context, status=400)


def _finished(request: HttpRequest, campaign: Campaign, done: dict[str, Any]) -> HttpResponse:
    messages.info(
        request,
        _(
            "This file was already imported at %(time)s: %(new)s added, %(update)s updated. "
            "Nothing was added again."
        )
        % {"time": done["at"], "new": done["new"], "update": done["update"]},
    )
    return redirect("campaign:ledger", campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → preview of the rows (nothing saved) → confirm; any bad row and nothing is saved."""
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    if not Unit.objects.filter(unit_scope_q(user=request.user, codename=ACT)).exists():
        raise PermissionDenied(_("Only units may import their rectification ledger."))
    form = ImportForm()
    context: dict[str, Any] = {"campaign": campaign, "form": form}
    stored = request.session.get(SESSION_KEY, {})
    token = request.POST.get("token") or request.GET.get("token")
    if token is not None:
        if stored.get("token") != token or stored.get("campaign") != campaign.pk:
            raise Http404
        staged = Staged(FOLDER, token)
        if request.method == "POST":
            return _confirm(request, campaign, staged, context)
        done = staged.done()
        if done is not None:
            return _finished(request, campaign, done)
        preview = staged.preview()
        if preview is None:
            messages.error(request, _("The uploaded file has expired; upload it again."))
            return redirect("campaign:ledger_import", pk)
        context.update({"token": token, **_preview_context(preview, request.GET.get("page"))})
        return render(request, "campaign/ledger_import.html", context)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "campaign/ledger_import.html", context, status=400)
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            report = ledger_preview(campaign=campaign, actor=request.user, content=content)
        except Exception:  # an unreadable workbook: say so instead of a 500
            message = _("The file could not be read as an Excel workbook.")
            return _refused(request, context, [{"row": "", "column": "", "message": message}])
        context["header_row"] = report.header_row
        if report.problems:
            return _refused(request, context, report.problems)
        preview = {
            "filename": upload.name,
            "header_row": report.header_row,
            "totals": report.totals,
            "columns": report.columns,
            "rows": report.rows,
            "duplicates": report.duplicates,
        }
        # The checked rows too: the confirmation files them without reading the file again.
        staged = Staged.create(FOLDER, content, preview, checked=report.checked)
        request.session[SESSION_KEY] = {"token": staged.token, "campaign": campaign.pk}
        context.update({"token": staged.token, **_preview_context(preview, 1)})
    return render(request, "campaign/ledger_import.html", context)


def _confirm(
    request: HttpRequest, campaign: Campaign, staged: Staged, context: dict[str, Any]
) -> HttpResponse:
    """File the previewed upload once: the claim is atomic, a second click sees the result."""
    content = staged.claim()
    if content is None:
        done = staged.done()
        if done is not None:
            return _finished(request, campaign, done)
        if staged.in_progress():
            messages.info(request, _("This file is being imported; the ledger shows it shortly."))
            return redirect("campaign:ledger", campaign.pk)
        messages.error(request, _("The uploaded file has expired; upload it again."))
        return redirect("campaign:ledger_import", campaign.pk)
    skip = request.POST.get("duplicates", "skip") != "add"
    try:
        report = ledger_confirm(
            campaign=campaign,
            actor=request.user,
            content=content,
            checked=staged.checked(),
            skip_duplicates=skip,
        )
    except Exception:
        staged.abandon()
        raise
    if report.problems:
        staged.abandon()
        return _refused(request, context, report.problems)
    totals = report.totals
    done = {
        "new": report.filed,
        "update": totals["update"],
        "skip": totals["skip"],
        "repeated": totals["new"] - report.filed,
        "at": timezone.localtime().strftime("%H:%M"),
    }
    staged.finish(done)
    if done["repeated"]:
        messages.success(
            request,
            _(
                "Import complete: %(new)s added, %(update)s updated, %(skip)s unchanged; "
                "%(repeated)s rows already in the ledger were not added again."
            )
            % done,
        )
    else:
        messages.success(
            request,
            _("Import complete: %(new)s added, %(update)s updated, %(skip)s unchanged.") % done,
        )
    return redirect("campaign:ledger", campaign.pk)
