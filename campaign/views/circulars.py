"""Circulars (通报): drafting, editing, publishing; the public list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign import permissions, selectors, services
from campaign.forms import CircularForm, PublishForm
from campaign.models import Campaign, Circular
from units.actions import Action, attach_errors, error_text, perform
from units.cadres import cadres_of_units
from units.models import Unit


@login_required
@require_GET
def circular_list(request: HttpRequest) -> HttpResponse:
    if not Unit.objects.visible_to(request.user).exists():
        raise Http404
    circulars = selectors.circulars_visible_to(user=request.user).select_related("campaign")
    page = Paginator(circulars.order_by("-created_at", "-pk"), 30).get_page(request.GET.get("page"))
    can_manage = permissions.can_manage_campaigns(request.user)
    campaigns = (
        list(
            selectors.campaigns_visible_to(user=request.user).filter(status=Campaign.Status.ACTIVE)
        )
        if can_manage
        else []
    )
    return render(
        request,
        "campaign/circular_list.html",
        {"page": page, "can_manage": can_manage, "campaigns": campaigns},
    )


def _circular_units(request: HttpRequest, campaign: Campaign) -> Any:
    return (
        Unit.objects.visible_to(request.user)
        .filter(path__startswith=campaign.scope.path)
        .exclude(pk=campaign.scope_id)
    )


def _circular_form(request: HttpRequest, campaign: Campaign, **kwargs: Any) -> CircularForm:
    units = _circular_units(request, campaign)
    cadres = cadres_of_units(units=units).select_related("unit")
    return CircularForm(request.POST or None, units=units, cadres=cadres, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def circular_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    form = _circular_form(request, campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            circular = services.circular_create(
                campaign=campaign,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                mentions=form.mentions(),
                cadres=form.cadre_mentions(),
                actor=request.user,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Circular drafted."))
            return redirect("campaign:circular_detail", circular.pk)
    return render(
        request,
        "campaign/circular_form.html",
        {"form": form, "campaign": campaign, "circular": None},
    )


@login_required
@require_POST
def circular_draft_progress(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    circular = services.circular_draft_progress(campaign=campaign, actor=request.user)
    messages.success(
        request, _("A progress circular was drafted from the figures; edit it before publishing.")
    )
    return redirect("campaign:circular_edit", circular.pk)


@login_required
@require_http_methods(["GET", "POST"])
def circular_edit(request: HttpRequest, pk: int) -> HttpResponse:
    circular = permissions.get_circular_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    mentions = list(circular.mentions.all())
    named = list(circular.cadres.all())
    initial = {
        "kind": circular.kind,
        "title": circular.title,
        "body": circular.body,
        "commended": [m.unit_id for m in mentions if m.tone == "positive"],
        "criticised": [m.unit_id for m in mentions if m.tone == "negative"],
        "commended_cadres": [m.person_id for m in named if m.tone == "positive"],
        "criticised_cadres": [m.person_id for m in named if m.tone == "negative"],
    }
    form = _circular_form(request, circular.campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.circular_update(
                circular=circular,
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                mentions=form.mentions(),
                cadres=form.cadre_mentions(),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Circular saved."))
            return redirect("campaign:circular_detail", pk)
    return render(
        request,
        "campaign/circular_form.html",
        {"form": form, "campaign": circular.campaign, "circular": circular},
    )


def _circular_page(
    request: HttpRequest, circular: Circular, extra: dict[str, Any] | None = None
) -> HttpResponse:
    return render(
        request,
        "campaign/circular_detail.html",
        {
            "circular": circular,
            "mentions": circular.mentions.select_related("unit"),
            "named_cadres": circular.cadres.select_related("person"),
            "can_manage": permissions.can_manage_campaigns(request.user),
            "publish_form": PublishForm(),
            "public": False,
            **(extra or {}),
        },
    )


@login_required
@require_GET
def circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _circular_page(request, permissions.get_circular_for_user_or_404(request.user, pk))


CIRCULAR_ACTIONS = {
    "publish": Action(
        form=PublishForm,
        allowed=lambda user, circular: permissions.can_manage_campaigns(user),
        call=lambda request, circular, data: services.circular_publish(
            circular=circular, actor=request.user, is_public=data["is_public"]
        ),
        done=gettext_noop("Circular published."),
    ),
}


@login_required
@require_POST
def circular_publish(request: HttpRequest, pk: int) -> HttpResponse:
    circular = permissions.get_circular_for_user_or_404(request.user, pk)
    return perform(
        request,
        circular,
        name="publish",
        actions=CIRCULAR_ACTIONS,
        success_url=reverse("campaign:circular_detail", args=[pk]),
        refused=_circular_page,
    )


@require_GET
def public_circular_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_circulars().order_by("-published_at"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "campaign/public_circular_list.html", {"page": page})


@require_GET
def public_circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circular = permissions.get_public_circular_or_404(pk)
    return render(
        request,
        "campaign/circular_detail.html",
        {
            "circular": circular,
            "mentions": circular.mentions.select_related("unit"),
            "named_cadres": circular.cadres.select_related("person"),
            "public": True,
        },
    )
