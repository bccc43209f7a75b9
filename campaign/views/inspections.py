"""Inspections (明察暗访): findings fed back to units, warning talks, 问责 from a finding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from campaign import permissions, selectors, services
from campaign.filters import InspectionFilter
from campaign.forms import AccountabilityForm, FindingForm, InspectionForm, WarningTalkForm
from campaign.models import Campaign, Inspection
from units.actions import attach_errors, error_text, form_error_text
from units.cadres import cadres_of_units
from units.models import Unit
from units.selectors import OVERSEE, unit_scope_q
from units.transitions import InvalidTransition


@login_required
@require_http_methods(["GET", "POST"])
def inspection_list(request: HttpRequest) -> HttpResponse:
    inspections = (
        selectors.inspections_visible_to(user=request.user)
        .select_related("campaign")
        .prefetch_related("units")
        # Counted for the page's 50 rows only: a join to the findings grouped every
        # inspection in reach before the page was cut (and the pager's count joined them too).
        .annotate(finding_count=selectors.finding_count())
        .order_by("-date", "-pk")
    )
    can_manage = permissions.can_manage_campaigns(request.user)
    if not can_manage and not Unit.objects.visible_to(request.user).exists():
        raise Http404
    form = None
    if can_manage:
        form = InspectionForm(
            request.POST or None,
            campaigns=selectors.campaigns_visible_to(user=request.user).filter(
                status=Campaign.Status.ACTIVE
            ),
        )
    if request.method == "POST":
        permissions.require_manage_campaigns(request.user)
        assert form is not None
        if form.is_valid():
            try:
                inspection = services.inspection_record(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Inspection recorded; add its findings."))
                return redirect("campaign:inspection_detail", inspection.pk)
    filterset = InspectionFilter(request.GET, inspections, user=request.user)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "campaign/inspection_list.html",
        {"page": page, "form": form, "can_manage": can_manage, "filter": filterset},
    )


def _record_finding(request: HttpRequest, inspection: Inspection, data: dict[str, Any]) -> Any:
    return services.finding_add(
        inspection=inspection, actor=request.user, data=services.FindingInput(**data)
    )


def _record_talk(request: HttpRequest, inspection: Inspection, data: dict[str, Any]) -> Any:
    return services.warning_talk_record(inspection=inspection, actor=request.user, **data)


def _record_accountability(
    request: HttpRequest, inspection: Inspection, data: dict[str, Any]
) -> Any:
    finding = data["finding"]
    return services.accountability_action_record(
        kind=data["kind"],
        reason=data["reason"],
        actor=request.user,
        unit=finding.unit,
        person=data["person"],
        date=data["date"],
        document_number=data["document_number"],
        source=finding,
    )


# The three records the page takes, by POST marker: (form name, service, message).
_RECORDS: dict[str, tuple[str, Callable[..., Any], str]] = {
    "finding": (
        "finding_form",
        _record_finding,
        gettext_noop("Finding recorded and fed back to the unit."),
    ),
    "warning_talk": ("talk_form", _record_talk, gettext_noop("Efficiency warning talk recorded.")),
    "accountability": (
        "accountability_form",
        _record_accountability,
        gettext_noop("Accountability action recorded."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = permissions.get_inspection_for_user_or_404(request.user, pk)
    can_manage = permissions.can_manage_campaigns(request.user)
    scope_units = Unit.objects.filter(
        unit_scope_q(user=request.user, codename=OVERSEE),
        path__startswith=inspection.campaign.scope.path,
    ).active()
    findings = (
        selectors.findings_visible_to(user=request.user)
        .filter(inspection=inspection)
        .select_related("unit", "category", "item", "item__cadre")
    )
    overseen = findings.filter(unit__in=scope_units)
    forms: dict[str, Any] = {
        "finding_form": FindingForm(units=scope_units),
        # Each form its own ids: the finding, the talk and the 问责 all have a unit or reason.
        "talk_form": WarningTalkForm(units=scope_units, auto_id="talk_%s"),
        "accountability_form": AccountabilityForm(
            findings=overseen,
            # The cadres of the findings' units: home unit or a post there (units.cadres).
            people=cadres_of_units(units=Unit.objects.filter(pk__in=overseen.values("unit")))
            .select_related("unit")
            .order_by("name", "pk"),
            auto_id="acc_%s",
        ),
    }
    status = 200
    if request.method == "POST":
        permissions.require_manage_campaigns(request.user)
        which = next((key for key in ("warning_talk", "accountability") if key in request.POST), "")
        form_name, record, done = _RECORDS[which or "finding"]
        blank = forms[form_name]
        if form_name == "accountability_form":
            form = AccountabilityForm(
                request.POST,
                findings=blank.fields["finding"].queryset,
                people=blank.fields["person"].queryset,
                auto_id="acc_%s",
            )
        elif form_name == "talk_form":
            form = WarningTalkForm(request.POST, units=scope_units, auto_id="talk_%s")
        else:
            form = FindingForm(request.POST, request.FILES, units=scope_units)
        forms[form_name] = form
        if not form.is_valid():
            messages.error(request, form_error_text(form))
        else:
            try:
                record(request, inspection, form.cleaned_data)
            except (ValidationError, InvalidTransition) as exc:
                if isinstance(exc, ValidationError):
                    attach_errors(form, exc)
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _(done))
                return redirect("campaign:inspection_detail", pk)
        status = 400
    return render(
        request,
        "campaign/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "accountability": list(
                selectors.accountability_for_inspection(user=request.user, inspection=inspection)
            ),
            "can_manage": can_manage,
            "many_findings": list(selectors.units_with_many_findings(campaign=inspection.campaign))
            if can_manage
            else [],
            **forms,
        },
        status=status,
    )
