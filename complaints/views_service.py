"""Service commitments (服务承诺) and leaders' reception days (领导接待日): thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints import forms_service as forms
from complaints import permissions_service as permissions
from complaints import selectors_service as selectors
from complaints import services
from complaints.models import ServiceCommitment
from complaints.permissions import require_handler
from units.actions import Action, attach_errors, perform
from units.permissions import can_oversee_all_units
from units.selectors import units_actable_by, units_overseen_by
from units.transitions import InvalidTransition

PAGE_SIZE = 30

# --- Public pages (no login) --------------------------------------------------------------


@require_GET
def public_commitments(request: HttpRequest) -> HttpResponse:
    """公开服务承诺: published commitments unit by unit, searched and paged (a fixed number
    of queries whatever the number of units)."""
    form = forms.CommitmentFilter(request.GET or None)
    unit, search = None, ""
    if form.is_valid():
        unit, search = form.cleaned_data["unit"], form.cleaned_data["q"].strip()
    qs = selectors.public_commitments(unit=unit, search=search)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/commitments/public_list.html",
        {"form": form, "page": page, "page_obj": page, "query": _query(request)},
    )


@require_GET
def public_reception_days(request: HttpRequest) -> HttpResponse:
    """领导接待日: the days to come, soonest first (no visit, no visitor shown)."""
    page = Paginator(selectors.upcoming_reception_days(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "complaints/reception/public_list.html", {"page": page, "page_obj": page}
    )


def _query(request: HttpRequest) -> str:
    """The filter's query string without the page (for the pager's links)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Commitments (the unit's pages) -------------------------------------------------------


@login_required
@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    form = forms.CommitmentFilter(request.GET or None)
    unit, search = None, ""
    if form.is_valid():
        unit, search = form.cleaned_data["unit"], form.cleaned_data["q"].strip()
    qs = selectors.commitment_list(user=request.user, unit=unit, search=search)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/commitments/list.html",
        {
            "form": form,
            "page": page,
            "page_obj": page,
            "query": _query(request),
            "can_create": permissions.can_manage_some_commitments(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_new(request: HttpRequest) -> HttpResponse:
    units = units_actable_by(user=request.user).active()
    if not units.exists():
        raise PermissionDenied(_("Only a unit's own staff may publish its service commitments."))
    form = forms.CommitmentForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            unit = data.pop("unit")
            try:
                commitment = services.commitment_create(unit=unit, actor=request.user, **data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request, _("Saved as a draft. Publish it to show it to the public.")
                )
                return redirect("complaints:commitment", pk=commitment.pk)
        return render(request, "complaints/commitments/form.html", {"form": form}, status=400)
    return render(request, "complaints/commitments/form.html", {"form": form})


def _commitment_page(
    request: HttpRequest, commitment: ServiceCommitment, **extra: Any
) -> HttpResponse:
    can_manage = permissions.can_manage_commitments_of(request.user, commitment.unit)
    labels = dict(ServiceCommitment.Status.choices)
    transitions = list(commitment.transitions.select_related("actor").order_by("created_at", "pk"))
    for record in transitions:  # one commitment's own history: a handful of rows
        record.to_label = labels.get(record.to_status, record.to_status)  # type: ignore[attr-defined]
    context = {
        "commitment": commitment,
        "can_manage": can_manage,
        "form": extra.pop("form", None)
        or (
            forms.CommitmentForm(
                initial={n: getattr(commitment, n) for n in ServiceCommitment.EDITABLE}
            )
            if can_manage and not commitment.is_published
            else None
        ),
        "withdraw_form": extra.pop("withdraw_form", None) or forms.WithdrawForm(),
        "transitions": transitions,
        "breaches": selectors.commitment_breach_count(commitment=commitment),
        **extra,
    }
    return render(
        request, "complaints/commitments/detail.html", context, status=extra.get("status", 200)
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The commitment, its history; its unit's staff edit it here while it is not published."""
    commitment = permissions.get_commitment_for_user_or_404(request.user, pk)
    if request.method == "GET":
        return _commitment_page(request, commitment)
    permissions.require_manage_commitments_of(request.user, commitment.unit)
    form = forms.CommitmentForm(request.POST)
    if form.is_valid():
        try:
            services.commitment_update(
                commitment=commitment, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        except InvalidTransition as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("complaints:commitment", pk=commitment.pk)
    return _commitment_page(request, commitment, form=form, status=400)


COMMITMENT_ACTIONS = {
    "publish": Action(
        form=None,
        allowed=lambda user, c: permissions.can_manage_commitments_of(user, c.unit),
        call=lambda request, c, data: services.commitment_publish(commitment=c, actor=request.user),
        done=gettext_noop("Published: the commitment is on the public page."),
    ),
    "withdraw": Action(
        form=forms.WithdrawForm,
        allowed=lambda user, c: permissions.can_manage_commitments_of(user, c.unit),
        call=lambda request, c, data: services.commitment_withdraw(
            commitment=c, actor=request.user, comment=data["comment"]
        ),
        done=gettext_noop("Withdrawn: the commitment is no longer on the public page."),
    ),
}


def _commitment_refused(
    request: HttpRequest, commitment: ServiceCommitment, context: dict[str, Any]
) -> HttpResponse:
    return _commitment_page(request, commitment, **context)


@login_required
@require_POST
def commitment_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    commitment = permissions.get_commitment_for_user_or_404(request.user, pk)
    return perform(
        request,
        commitment,
        name=action,
        actions=COMMITMENT_ACTIONS,
        success_url=reverse("complaints:commitment", args=[commitment.pk]),
        refused=_commitment_refused,
    )


# --- Reception days (complaint staff) -----------------------------------------------------


def _host_units(user: Any) -> Any:
    return units_overseen_by(user=user).active()


@login_required
@require_GET
def reception_day_list(request: HttpRequest) -> HttpResponse:
    permissions.require_reception_pages(request.user)
    page = Paginator(selectors.reception_day_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "complaints/reception/list.html", {"page": page, "page_obj": page})


def _reception_save(request: HttpRequest, day: Any = None) -> HttpResponse:
    initial = {n: getattr(day, n) for n in services.commitments.RECEPTION_FIELDS} if day else None
    form = forms.ReceptionDayForm(
        request.POST or None, initial=initial, units=_host_units(request.user)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                if day is None:
                    day = services.reception_day_create(actor=request.user, **form.cleaned_data)
                else:
                    services.reception_day_update(day=day, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Reception day saved."))
                return redirect("complaints:reception_day", pk=day.pk)
        return render(
            request, "complaints/reception/form.html", {"form": form, "day": day}, status=400
        )
    return render(request, "complaints/reception/form.html", {"form": form, "day": day})


@login_required
@require_http_methods(["GET", "POST"])
def reception_day_new(request: HttpRequest) -> HttpResponse:
    require_handler(request.user)
    if not (can_oversee_all_units(request.user) or _host_units(request.user).exists()):
        raise PermissionDenied(_("Only complaint staff of the jurisdiction manage reception days."))
    return _reception_save(request)


@login_required
@require_http_methods(["GET", "POST"])
def reception_day_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The day, the visits received on it (as cases: number, subject, state; no visitor),
    and the form to change it."""
    day = permissions.get_reception_day_for_user_or_404(request.user, pk)
    if request.method == "POST" or request.GET.get("edit"):
        permissions.require_manage_reception_day(request.user, day.unit)
        return _reception_save(request, day)
    return render(
        request,
        "complaints/reception/detail.html",
        {"day": day, "visits": selectors.reception_visits(day=day)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reception_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a visit received on the day: a complaint of the channel 来访."""
    day = permissions.get_reception_day_for_user_or_404(request.user, pk)
    permissions.require_manage_reception_day(request.user, day.unit)
    form = forms.ReceptionVisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.reception_visit_record(
                    day=day,
                    actor=request.user,
                    title=data["title"],
                    content=data["content"],
                    category=data["category"],
                    subject_unit=data["subject_unit"],
                    subject_person=data["subject_person"],
                    identity=form.identity(),
                    uploads=data["attachments"],
                    commitment=data["commitment"],
                    received_by_leader=data["received_by_leader"],
                    received_at=data["received_at"] or timezone.now(),
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Complaint %(number)s registered. Tell the complainant the tracking code: %(code)s"
                    )
                    % {"number": complaint.number, "code": complaint.tracking_code_display},
                )
                return redirect("complaints:detail", pk=complaint.pk)
        return render(
            request, "complaints/reception/visit.html", {"form": form, "day": day}, status=400
        )
    return render(request, "complaints/reception/visit.html", {"form": form, "day": day})
