"""Ledger (整改台账) export to Excel and import with preview; all or nothing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from import_export.formats.base_formats import XLSX

from campaign import permissions, selectors
from campaign.forms import ImportForm, LedgerFilterForm
from campaign.resources import LedgerResource
from units.models import Unit
from units.resources import CalamineXLSX
from units.selectors import ACT, unit_scope_q

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "campaign-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@login_required
@require_GET
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The visible ledger (with the page's filters) as .xlsx, formula-safe."""
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    units = Unit.objects.visible_to(request.user).filter(path__startswith=campaign.scope.path)
    form = LedgerFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.ledger(user=request.user, campaign=campaign, filters=filters)
    dataset = LedgerResource(campaign=campaign, user=request.user).export(queryset=items)
    dataset.title = str(_("Rectification ledger"))  # the sheet's name (else "Tablib Dataset")
    response = HttpResponse(XLSX().export_data(dataset), content_type=XLSX_TYPE)
    filename = f"ledger-{campaign.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _errors_of(result: Any) -> list[dict[str, Any]]:
    """Row number, column and message for every problem, as the user's sheet numbers them."""
    problems: list[dict[str, Any]] = []
    for error in result.base_errors:
        for text in _texts(error.error):
            problems.append({"row": "", "column": "", "message": text})
    for row in result.invalid_rows:
        for column, texts in row.error_dict.items():
            for text in texts:
                problems.append(
                    {
                        "row": row.number,
                        "column": "" if column == "__all__" else column,
                        "message": text,
                    }
                )
    for number, errors in result.row_errors():
        for error in errors:
            for text in _texts(error.error):
                problems.append({"row": number, "column": "", "message": text})
    return problems


def _texts(error: Exception) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def _run(campaign: Any, user: Any, content: bytes, *, dry_run: bool) -> Any:
    dataset = CalamineXLSX().create_dataset(content)
    resource = LedgerResource(campaign=campaign, user=user)
    return resource.import_data(dataset, dry_run=dry_run, user=user, raise_errors=False)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → preview (nothing saved) → confirm; any bad row and nothing is saved."""
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    if not Unit.objects.filter(unit_scope_q(user=request.user, codename=ACT)).exists():
        raise PermissionDenied(_("Only units may import their rectification ledger."))
    form = ImportForm()
    context: dict[str, Any] = {"campaign": campaign}
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        stored = request.session.get("campaign_import", {})
        if stored.get("token") != token or stored.get("campaign") != campaign.pk:
            raise Http404
        path = _import_dir() / f"{token}.xlsx"
        if not path.exists():
            messages.error(request, _("The uploaded file has expired; upload it again."))
            return redirect("campaign:ledger_import", pk)
        result = _run(campaign, request.user, path.read_bytes(), dry_run=False)
        path.unlink(missing_ok=True)
        request.session.pop("campaign_import", None)
        problems = _errors_of(result)
        if problems:
            context["problems"] = problems
        else:
            totals = result.totals
            messages.success(
                request,
                _("Import complete: %(new)s added, %(update)s updated, %(skip)s unchanged.")
                % {"new": totals["new"], "update": totals["update"], "skip": totals["skip"]},
            )
            return redirect("campaign:ledger", pk)
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            content = form.cleaned_data["file"].read()
            try:
                result = _run(campaign, request.user, content, dry_run=True)
            except Exception:  # an unreadable workbook: say so instead of a 500
                context["problems"] = [
                    {
                        "row": "",
                        "column": "",
                        "message": _("The file could not be read as an Excel workbook."),
                    }
                ]
            else:
                problems = _errors_of(result)
                if problems:
                    context["problems"] = problems
                else:
                    token = uuid.uuid4().hex
                    (_import_dir() / f"{token}.xlsx").write_bytes(content)
                    request.session["campaign_import"] = {"token": token, "campaign": campaign.pk}
                    context["token"] = token
                    context["totals"] = result.totals
                    context["preview"] = [
                        row for row in result.rows[:50] if row.import_type != "skip"
                    ]
    context["form"] = form
    # A refused file is a client error (400), as in the other importers.
    refused = request.method == "POST" and (bool(form.errors) or "problems" in context)
    return render(request, "campaign/ledger_import.html", context, status=400 if refused else 200)
