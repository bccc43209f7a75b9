"""Supervisors' 察访 reports: the supervisor files and follows them; the officer decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign import selectors
from campaign import supervisor_reports as access
from campaign.models import Campaign, SupervisorReport
from campaign.services import supervisor_reports as services
from campaign.supervisor_forms import (
    ReportConfirmForm,
    ReportConvertForm,
    ReportDismissForm,
    SupervisorReportForm,
)
from units.actions import Action, attach_errors, perform
from units.supervisors import supervisor_of


def _campaigns(request: HttpRequest, report: SupervisorReport) -> dict[str, Any]:
    return {
        "campaigns": selectors.campaigns_visible_to(user=request.user).filter(
            status=Campaign.Status.ACTIVE
        )
    }


def _convert(request: HttpRequest, report: SupervisorReport, data: dict[str, Any]) -> Any:
    return services.supervisor_report_convert(report=report, actor=request.user, **data)


def _confirm(request: HttpRequest, report: SupervisorReport, data: dict[str, Any]) -> Any:
    return services.supervisor_report_confirm(report=report, actor=request.user, **data)


def _dismiss(request: HttpRequest, report: SupervisorReport, data: dict[str, Any]) -> Any:
    return services.supervisor_report_dismiss(report=report, actor=request.user, **data)


ACTIONS = {
    "convert": Action(
        form=ReportConvertForm,
        allowed=access.can_decide_supervisor_report,
        call=_convert,
        done=gettext_noop("The report is now an inspection finding."),
        form_kwargs=_campaigns,
    ),
    "confirm": Action(
        form=ReportConfirmForm,
        allowed=access.can_decide_supervisor_report,
        call=_confirm,
        done=gettext_noop("The review is confirmed."),
    ),
    "dismiss": Action(
        form=ReportDismissForm,
        allowed=access.can_decide_supervisor_report,
        call=_dismiss,
        done=gettext_noop("The report is dismissed."),
    ),
}


@login_required
@require_GET
def supervisor_report_list(request: HttpRequest) -> HttpResponse:
    """The officer's incoming reports, or the supervisor's own."""
    supervisor = supervisor_of(user=request.user)
    if supervisor is not None:
        reports = access.supervisor_reports_filed_by(user=request.user)
    elif access.can_see_incoming_reports(request.user):
        reports = access.supervisor_reports_overseen_by(user=request.user)
    else:
        raise Http404
    status = request.GET.get("status", "")
    if status in SupervisorReport.Status.values:
        reports = reports.filter(status=status)
    reports = reports.select_related("unit", "supervisor").order_by("-created_at", "-pk")
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "campaign/supervisor_report_list.html",
        {
            "page": page,
            "supervisor": supervisor,
            "status": status,
            "statuses": SupervisorReport.Status.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervisor_report_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = access.get_watched_unit_for_user_or_404(request.user, unit_pk)
    form = SupervisorReportForm(request.POST or None, initial={"date": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = services.supervisor_report_file(
                    actor=request.user, unit=unit, **form.cleaned_data
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(
                    request, _("Your report is filed; the inspection staff will answer it.")
                )
                return redirect(report.get_absolute_url())
        status = 400
    return render(
        request,
        "campaign/supervisor_report_form.html",
        {"form": form, "unit": unit, "supervisor": supervisor_of(user=request.user)},
        status=status,
    )


def _report_page(
    request: HttpRequest, report: SupervisorReport, extra: dict[str, Any] | None = None
) -> HttpResponse:
    can_decide = (
        report.status == SupervisorReport.Status.SUBMITTED
        and access.can_decide_supervisor_report(request.user, report)
    )
    context: dict[str, Any] = {
        "report": report,
        "can_decide": can_decide,
        # The finding's page is the inspection's: officers of the unit open it.
        "can_open_finding": bool(report.finding_id)
        and access.can_decide_supervisor_report(request.user, report),
    }
    if can_decide:
        if report.is_review:
            context["confirm_form"] = ReportConfirmForm(auto_id="confirm_%s")
        else:
            context["convert_form"] = ReportConvertForm(
                auto_id="convert_%s",
                initial={"description": report.observation},
                **_campaigns(request, report),
            )
        context["dismiss_form"] = ReportDismissForm(auto_id="dismiss_%s")
    context.update(extra or {})
    return render(request, "campaign/supervisor_report_detail.html", context)


@login_required
@require_GET
def supervisor_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_supervisor_report_for_user_or_404(request.user, pk)
    return _report_page(request, report)


@login_required
@require_POST
def supervisor_report_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = access.get_supervisor_report_for_user_or_404(request.user, pk)
    return perform(
        request,
        report,
        name=action,
        actions=ACTIONS,
        success_url=reverse("campaign:supervisor_report_detail", args=[pk]),
        refused=_report_page,
    )
