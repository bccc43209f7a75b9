"""The supervisors' roster pages (inspection staff): the list, appointing, changing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from units import supervisors
from units.actions import attach_errors
from units.forms import SupervisorAppointForm, SupervisorForm

FIELDS = ("name", "category", "standing", "workplace", "phone", "term_start", "term_end", "units")


def _require_officer(request: HttpRequest) -> None:
    # The roster is not a page anyone else knows of.
    if not supervisors.can_manage_supervisors(request.user):
        raise Http404


@login_required
@require_GET
def supervisor_list(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    roster = supervisors.supervisors_visible_to(user=request.user)
    page = Paginator(roster, 50).get_page(request.GET.get("page"))
    return render(
        request, "units/supervisor_list.html", {"page": page, "today": timezone.localdate()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervisor_create(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    units = supervisors.appointable_units(user=request.user)
    form = SupervisorAppointForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                supervisor = supervisors.supervisor_appoint(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s is on the roster.") % {"name": supervisor.name}
                )
                return redirect("units:supervisor_list")
        status = 400
    return render(
        request, "units/supervisor_form.html", {"form": form, "supervisor": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervisor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supervisor = supervisors.get_supervisor_for_user_or_404(request.user, pk)
    units = supervisors.appointable_units(user=request.user)
    initial = {name: getattr(supervisor, name) for name in FIELDS if name != "units"}
    initial["units"] = list(supervisor.units.values_list("pk", flat=True))
    form = SupervisorForm(request.POST or None, initial=initial, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                supervisors.supervisor_update(
                    supervisor=supervisor, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("The roster entry is saved."))
                return redirect("units:supervisor_list")
        status = 400
    return render(
        request,
        "units/supervisor_form.html",
        {"form": form, "supervisor": supervisor},
        status=status,
    )
