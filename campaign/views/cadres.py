"""干部作风档案: the list of cadres an officer oversees, and one cadre's record.

The record gathers what the seeds hold a person to account for: the rectification items tied
to them (个人层面 items naming them as the responsible cadre, or the items whose responsible
account is their login), the 问责 against them, the circulars naming them, their own 述职
year by year (campaign.services.duty_reports: handed in, late or missing; a cadre hands in
theirs from their own record), and the flags results put on them and their units. Who
may open it is units.cadres' one rule (an officer, their jurisdiction; a unit head, their
unit's cadres; a cadre, their own record); what it shows of items and 问责 is further kept
to what the viewer may see, except on a cadre's own record, which shows all of theirs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from campaign import selectors, services
from campaign.forms import CadreFlagForm, CadreSearchForm, DutyReportForm
from campaign.models import AccountabilityAction, Circular, CircularCadre, RectificationItem
from units import cadres
from units.actions import Action, perform
from units.models import Person, Responsibility

PAGE_SIZE = 30
# A record lists at most this many items (a cadre has a handful; the ledger has the rest).
ITEMS_SHOWN = 200


@login_required
@require_GET
def cadre_list(request: HttpRequest) -> HttpResponse:
    """The cadres the user may see, searched by name or unit, with posts and active flags."""
    form = CadreSearchForm(request.GET or None)
    search = form.cleaned_data["q"].strip() if form.is_valid() else ""
    people = cadres.cadre_list(user=request.user, search=search)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "campaign/cadres/list.html",
        {
            "form": form,
            "page": page,
            "can_export": cadres.cadres_overseen_by(user=request.user).exists(),
            "years": list(range(today.year, today.year - 5, -1)),
        },
    )


@login_required
@require_GET
def cadre_mine(request: HttpRequest) -> HttpResponse:
    """我的作风档案: the signed-in user's own record (if they are a cadre)."""
    person = Person.objects.filter(user=request.user).only("pk").first()  # type: ignore[misc]
    if person is None:
        messages.info(request, _("Your account is not linked to a cadre; there is no record."))
        return redirect("units:workspace")
    return redirect("campaign:cadre_record", person.pk)


@login_required
@require_GET
def cadre_record(request: HttpRequest, pk: int) -> HttpResponse:
    person = cadres.get_cadre_for_user_or_404(request.user, pk)
    return _record_page(request, person, {})


def _items(request: HttpRequest, person: Person, own: bool) -> Any:
    tied = Q(cadre=person)
    if person.user_id:
        tied |= Q(responsible_user_id=person.user_id)
    base = RectificationItem.objects if own else selectors.items_visible_to(user=request.user)
    return (
        base.filter(tied)
        .select_related("campaign", "unit")
        .order_by("-created_at", "-pk")[:ITEMS_SHOWN]
    )


def _accountability(request: HttpRequest, person: Person, own: bool) -> Any:
    base = (
        AccountabilityAction.objects
        if own
        else selectors.accountability_visible_to(user=request.user)
    )
    return base.filter(person=person).select_related("unit").order_by("-date", "-pk")


def _circulars(request: HttpRequest, person: Person, own: bool) -> Any:
    """The published circulars naming the cadre (点名表扬 or 点名批评), newest first."""
    named = CircularCadre.objects.filter(person=person, circular__status=Circular.Status.PUBLISHED)
    if not own:
        named = named.filter(circular__in=selectors.circulars_visible_to(user=request.user))
    return named.select_related("circular", "circular__campaign").order_by(
        "-circular__published_at", "-pk"
    )


def _record_page(request: HttpRequest, person: Person, extra: dict[str, Any]) -> HttpResponse:
    own = person.user_id is not None and person.user_id == request.user.pk
    units = cadres.cadre_units(person=person)
    posts = list(
        Responsibility.objects.filter(person=person)
        .select_related("unit")
        .order_by("-start_date", "unit__path")
    )
    today = timezone.localdate()
    duty_reports = services.duty_reports_due(person=person)
    can_report = own and any(d.report is None for d in duty_reports)
    flags = list(cadres.cadre_flags(person=person, units=units))
    can_flag = cadres.can_flag_cadre(request.user, person)
    context: dict[str, Any] = {
        "person": person,
        "own": own,
        "units": units,
        "posts": posts,
        "items": list(_items(request, person, own)),
        "items_shown": ITEMS_SHOWN,
        "accountability": list(_accountability(request, person, own)),
        "circulars": list(_circulars(request, person, own)),
        "duty_reports": duty_reports,
        "can_report": can_report,
        "report_form": DutyReportForm(owed=duty_reports, auto_id="report_%s")
        if can_report
        else None,
        "flags": flags,
        "active_flags": [f for f in flags if f.is_active(today)],
        "today": today,
        "can_flag": can_flag,
        "flag_form": CadreFlagForm(units=units, auto_id="flag_%s") if can_flag else None,
        **extra,
    }
    return render(request, "campaign/cadres/record.html", context)


def _set_flag(request: HttpRequest, person: Person, data: dict[str, Any]) -> Any:
    return cadres.cadre_flag_set(
        person=person,
        kind=data["kind"],
        unit=data.get("unit"),
        reason=data["reason"],
        document=data.get("document", ""),
        start_date=data["start_date"],
        end_date=data["end_date"],
        actor=request.user,
    )


FLAG_ACTIONS = {
    "flag": Action(
        form=CadreFlagForm,
        allowed=cadres.can_flag_cadre,
        call=_set_flag,
        done=gettext_noop("Flag recorded."),
        form_kwargs=lambda request, person: {"units": cadres.cadre_units(person=person)},
    )
}


@login_required
@require_POST
def cadre_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer flags the cadre (or one of their units); bad input → 400, nothing saved."""
    person = cadres.get_cadre_for_user_or_404(request.user, pk)
    return perform(
        request,
        person,
        name="flag",
        actions=FLAG_ACTIONS,
        success_url=reverse("campaign:cadre_record", args=[person.pk]),
        refused=_record_page,
    )


def _own_record(user: Any, person: Person) -> bool:
    return person.user_id is not None and person.user_id == user.pk


def _submit_report(request: HttpRequest, person: Person, data: dict[str, Any]) -> Any:
    return services.duty_report_submit(
        deliverable=data["deliverable"],
        unit=data["unit"],
        person=person,
        actor=request.user,
        text=data.get("text", ""),
        attachment=data.get("attachment"),
    )


REPORT_ACTIONS = {
    "report": Action(
        form=DutyReportForm,
        allowed=_own_record,
        call=_submit_report,
        done=gettext_noop("Report handed in."),
        form_kwargs=lambda request, person: {"owed": services.duty_reports_due(person=person)},
    )
}


@login_required
@require_POST
def cadre_duty_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A leadership member hands in their own 述职 from their record; bad input → 400."""
    person = cadres.get_cadre_for_user_or_404(request.user, pk)
    return perform(
        request,
        person,
        name="report",
        actions=REPORT_ACTIONS,
        success_url=reverse("campaign:cadre_record", args=[person.pk]) + "#duty-reports",
        refused=_record_page,
    )
