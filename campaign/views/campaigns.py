"""The campaign list and overview; starting and closing a campaign."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from campaign import permissions, recheck_selectors, selectors, services
from campaign.forms import CampaignCloseForm, CampaignForm
from campaign.models import Campaign, RectificationItem
from units.actions import Action, error_text, perform
from units.models import Unit


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaign = selectors.current_campaign(user=request.user)
    if campaign is not None:
        return redirect("campaign:campaign_detail", campaign.pk)
    return redirect("campaign:campaign_list")


@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    can_manage = permissions.can_manage_campaigns(request.user)
    campaigns = selectors.campaigns_visible_to(user=request.user)
    if (
        not campaigns.exists()
        and not can_manage
        and not Unit.objects.visible_to(request.user).exists()
    ):
        raise Http404(_("Campaign not found."))
    form = None
    if can_manage:
        form = CampaignForm(request.POST or None, units=Unit.objects.visible_to(request.user))
    if request.method == "POST":
        permissions.require_manage_campaigns(request.user)
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(actor=request.user, **data)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Campaign created."))
                return redirect("campaign:campaign_detail", campaign.pk)
    return render(
        request,
        "campaign/campaign_list.html",
        {"campaigns": campaigns, "form": form, "can_manage": can_manage},
    )


FIGURES_SHOWN = 200  # units the overview's table lists


def _campaign_page(
    request: HttpRequest, campaign: Campaign, extra: dict[str, Any] | None = None
) -> HttpResponse:
    today = timezone.localdate()
    # A province has ten thousand units: the table shows the first of the ranking (ranked
    # in the database), the ledger's unit filter reaches every other one.
    figures, ranked = selectors.unit_figures_ranked(
        user=request.user, campaign=campaign, today=today, limit=FIGURES_SHOWN
    )
    phases = list(campaign.phases.all())
    return render(
        request,
        "campaign/campaign_detail.html",
        {
            "campaign": campaign,
            "phases": phases,
            # 总结阶段: the page links to the re-checks (回头看) while the campaign is in it.
            "summary_phase": (
                recheck_selectors.summary_phase_of(phases, today)
                if campaign.status == Campaign.Status.ACTIVE
                else None
            ),
            "deliverables": list(selectors.deliverable_counts(campaign=campaign, today=today)),
            "totals": selectors.campaign_totals(user=request.user, campaign=campaign, today=today),
            "figures": figures,
            "figures_more": max(ranked - FIGURES_SHOWN, 0),
            "can_manage": permissions.can_manage_campaigns(request.user),
            "can_close": permissions.can_close_campaign(request.user, campaign),
            "today": today,
            **(extra or {}),
        },
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign overview: phases, deliverables, figures per unit computed in SQL."""
    return _campaign_page(request, permissions.get_campaign_for_user_or_404(request.user, pk))


def _carry_targets(request: HttpRequest, campaign: Campaign) -> Any:
    """Campaigns under way (other than this one) that open items may be carried into."""
    return (
        selectors.campaigns_visible_to(user=request.user)
        .filter(status=Campaign.Status.ACTIVE)
        .exclude(pk=campaign.pk)
        .order_by("-start_date", "-pk")
    )


def _close_page(
    request: HttpRequest, campaign: Campaign, extra: dict[str, Any] | None = None
) -> HttpResponse:
    open_items = (
        RectificationItem.objects.filter(campaign=campaign)
        .exclude(status=RectificationItem.Status.CLOSED)
        .count()
    )
    context = {
        "campaign": campaign,
        "open_items": open_items,
        "form": CampaignCloseForm(campaigns=_carry_targets(request, campaign)),
        **(extra or {}),
    }
    if "close_form" in context:  # a refused attempt: its form with its errors
        context["form"] = context["close_form"]
    return render(request, "campaign/campaign_close.html", context)


CAMPAIGN_ACTIONS = {
    "activate": Action(
        form=None,
        allowed=lambda user, campaign: permissions.can_manage_campaigns(user),
        call=lambda request, campaign, data: services.campaign_activate(
            campaign=campaign, actor=request.user
        ),
        done=gettext_noop("The campaign is under way."),
    ),
    "close": Action(
        form=CampaignCloseForm,
        form_kwargs=lambda request, campaign: {"campaigns": _carry_targets(request, campaign)},
        allowed=lambda user, campaign: permissions.can_manage_campaigns(user),
        call=lambda request, campaign, data: services.campaign_close(
            campaign=campaign,
            actor=request.user,
            carry_into=data["carry_into"],
            comment=data["comment"],
        ),
        done=gettext_noop("The campaign is closed."),
    ),
}


@login_required
@require_http_methods(["POST"])
def campaign_activate(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    return perform(
        request,
        campaign,
        name="activate",
        actions=CAMPAIGN_ACTIONS,
        success_url=reverse("campaign:campaign_detail", args=[pk]),
        refused=_campaign_page,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    """What closing means, spelled out, and the officer's choice for the open items."""
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    if request.method == "GET":
        return _close_page(request, campaign)
    return perform(
        request,
        campaign,
        name="close",
        actions=CAMPAIGN_ACTIONS,
        success_url=reverse("campaign:campaign_detail", args=[pk]),
        refused=_close_page,
    )
