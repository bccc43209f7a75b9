from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from units import extensions, picker, roles, selectors, services
from units.forms import UnitFilterForm
from units.permissions import can_act_for_unit, get_unit_for_user_or_404

# Searches a visitor may run per minute (each keystroke pause is one).
LOOKUP_RATE = "120/m"
ALL = ["GET", "HEAD"]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users land on their workspace; the public on the front page of services."""
    if request.user.is_authenticated:
        return redirect("units:workspace")
    return render(request, "units/front.html", {"entries": extensions.public_entries(request)})


@never_cache
@require_GET
def unit_lookup(request: HttpRequest, token: str) -> HttpResponse:
    """The picker's search (JSON): the units or cadres the field behind `token` offers this user.

    Anonymous visitors reach only a public field's list (the citizens' complaint form), at a
    rate per address; for any other token they are sent to log in, like every staff page."""
    if not request.user.is_authenticated and is_ratelimited(
        request, group="units:lookup", key="ip", rate=LOOKUP_RATE, method=ALL, increment=True
    ):
        return JsonResponse({"error": _("Too many searches; wait a minute.")}, status=429)
    found = picker.pickable(token=token, user=request.user)
    if found is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return JsonResponse(
            {"error": _("The page has expired: reload it to search again.")}, status=404
        )
    return JsonResponse(picker.search(queryset=found, text=request.GET.get("q", "")))


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    role = roles.primary_role(request.user)
    summary = selectors.workspace_summary(user=request.user, role=role)
    panels = extensions.workspace_panels(request, role)
    return render(
        request,
        "units/workspace.html",
        {"role": role, "roles": roles, "app_panels": panels, **summary},
    )


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET or None)
    search, group_id = "", None
    if form.is_valid():
        search = form.cleaned_data["q"]
        group_id = form.cleaned_data["group"].pk if form.cleaned_data["group"] else None
    units = selectors.unit_list(user=request.user, search=search, group_id=group_id)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "units/unit_list.html", {"form": form, "page": page})


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user_or_404(request.user, pk)
    context = selectors.unit_detail(unit=unit)
    visible_children = set(
        selectors.units_visible_to(user=request.user)
        .filter(pk__in=[c.pk for c in context["children"]])  # type: ignore[attr-defined]
        .values_list("pk", flat=True)
    )
    # Whose record (a later app's, e.g. the 作风档案) the viewer may open from the list.
    responsibilities: list[Any] = context["responsibilities"]  # type: ignore[assignment]
    record_urls = extensions.person_record_urls(
        user=request.user, person_ids=[r.person_id for r in responsibilities]
    )
    for r in responsibilities:
        r.record_url = record_urls.get(r.person_id, "")
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "can_act": can_act_for_unit(request.user, unit),
            "visible_children": visible_children,
            **context,
        },
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notifications_for(user=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "units/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notice read and follow its link."""
    notification = get_object_or_404(selectors.notifications_for(user=request.user), pk=pk)
    services.notification_mark_read(notification=notification)
    target = notification.url or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("units:notification_list")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("units:notification_list")
