"""整改回头看 pages: a campaign's re-checks, opening one, and deciding its items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign import permissions, recheck_selectors, services
from campaign.models import Campaign, Recheck, RecheckEntry
from campaign.recheck_forms import RecheckConfirmForm, RecheckOpenForm, RecheckRelapseForm
from units.actions import Action, attach_errors, error_text, perform
from units.models import Unit
from units.selectors import OVERSEE, unit_scope_q

ENTRIES_PER_PAGE = 50


@login_required
@require_GET
def recheck_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's re-checks, with their counts over the items the reader sees."""
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    return render(
        request,
        "campaign/rechecks/recheck_list.html",
        {
            "campaign": campaign,
            "rechecks": list(
                recheck_selectors.rechecks_of_campaign(user=request.user, campaign=campaign)
            ),
            "can_open": permissions.can_open_recheck(request.user),
            "summary_phase": recheck_selectors.summary_phase(
                campaign=campaign, today=timezone.localdate()
            ),
        },
    )


def _overseen_units(request: HttpRequest, campaign: Campaign) -> Any:
    return Unit.objects.filter(
        unit_scope_q(user=request.user, codename=OVERSEE),
        path__startswith=campaign.scope.path,
        status=Unit.Status.ACTIVE,
    ).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def recheck_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Inspection staff open a re-check: all closed items, chosen units' or a sample."""
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    form = RecheckOpenForm(request.POST or None, units=_overseen_units(request, campaign))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                recheck = services.recheck_open(
                    campaign=campaign,
                    actor=request.user,
                    scope=data["scope"],
                    units=list(data["units"] or []),
                    sample_size=data["sample_size"],
                    seed=data["seed"],
                    note=data["note"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Re-check opened."))
                return redirect("campaign:recheck_detail", recheck.pk)
        status = 400
    return render(
        request,
        "campaign/rechecks/recheck_form.html",
        {
            "campaign": campaign,
            "form": form,
            "summary_phase": recheck_selectors.summary_phase(
                campaign=campaign, today=timezone.localdate()
            ),
        },
        status=status,
    )


def _detail_page(
    request: HttpRequest, recheck: Recheck, extra: dict[str, Any] | None = None
) -> HttpResponse:
    extra = extra or {}
    entries = recheck_selectors.recheck_entries(user=request.user, recheck=recheck)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # Asked once for the page's units, not once per row.
    overseen = recheck_selectors.overseen_unit_ids(
        user=request.user, unit_ids={row.item.unit_id for row in rows}
    )
    failed = extra.get("failed_entry")
    for row in rows:
        row.can_decide = row.status == RecheckEntry.Status.PENDING and row.item.unit_id in overseen
        mine = failed is not None and failed.pk == row.pk
        row.confirm_form = (
            extra.get("confirm_form")
            if mine and "confirm_form" in extra
            else (RecheckConfirmForm(auto_id=f"confirm_{row.pk}_%s"))
        )
        row.relapse_form = (
            extra.get("relapse_form")
            if mine and "relapse_form" in extra
            else (RecheckRelapseForm(auto_id=f"relapse_{row.pk}_%s"))
        )
    return render(
        request,
        "campaign/rechecks/recheck_detail.html",
        {
            "recheck": recheck,
            "campaign": recheck.campaign,
            "page": page,
            "entries": rows,
            "units": list(recheck.units.order_by("path")),
            "S": RecheckEntry.Status,
            "error": extra.get("error", ""),
        },
    )


@login_required
@require_GET
def recheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, permissions.get_recheck_for_user_or_404(request.user, pk))


RECHECK_ACTIONS = {
    "confirm": Action(
        form=RecheckConfirmForm,
        allowed=permissions.can_decide_recheck_entry,
        call=lambda request, entry, data: services.recheck_entry_confirm(
            entry=entry, actor=request.user, note=data["note"]
        ),
        done=gettext_noop("Re-checked: the rectification holds."),
    ),
    "relapse": Action(
        form=RecheckRelapseForm,
        allowed=permissions.can_decide_recheck_entry,
        call=lambda request, entry, data: services.recheck_entry_relapse(
            entry=entry,
            actor=request.user,
            reason=data["reason"],
            working_days=data["working_days"],
        ),
        done=gettext_noop("Relapse recorded; the item is reopened with a new deadline."),
    ),
}


@login_required
@require_POST
def recheck_entry_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """巩固 or 反弹 for one re-checked item (RECHECK_ACTIONS)."""
    entry = permissions.get_recheck_entry_for_user_or_404(request.user, pk)
    return perform(
        request,
        entry,
        name=action,
        actions=RECHECK_ACTIONS,
        success_url=reverse("campaign:recheck_detail", args=[entry.recheck_id]),
        refused=lambda request, entry, extra: _detail_page(
            request,
            permissions.get_recheck_for_user_or_404(request.user, entry.recheck_id),
            {**extra, "failed_entry": entry},
        ),
    )
