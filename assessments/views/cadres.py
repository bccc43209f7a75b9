"""三挂钩: the year's results, leadership teams and flags as the organisation department
files them; an officer's export, logged in the security log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import excel
from assessments.cadre_export import cadre_export as build_export
from assessments.cadre_export import cadre_workbook
from units.models import SecurityEvent, Unit
from units.security_log import security_event
from units.selectors import units_overseen_by


@login_required
@require_GET
def cadre_export(request: HttpRequest) -> HttpResponse:
    """The .xlsx of every unit in the officer's jurisdiction for ?year= (last year by default)."""
    if not units_overseen_by(user=request.user).exists():
        raise PermissionDenied(_("Only inspection staff may export the results for the year."))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year - 1)
    except ValueError:
        year = today.year - 1
    if not 2000 <= year <= today.year + 1:
        year = today.year - 1
    export = build_export(user=request.user, year=year)
    top = Unit.objects.visible_to(request.user).order_by("depth", "path").first()
    data = cadre_workbook(export=export, organisation=top.name if top else "", day=today)
    security_event(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        detail=f"三挂钩 {year}：{export.units} 个单位，{len(export.rows)} 行",
    )
    response = HttpResponse(data, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="cadres-{year}.xlsx"'
    return response
