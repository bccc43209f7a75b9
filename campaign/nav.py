"""How the campaign app shows up in the shell: top navigation and workspace panels."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from campaign import selectors
from campaign.models import RectificationItem, Submission
from units import roles
from units.extensions import NavItem, Panel
from units.selectors import ACT, unit_scope_q


def nav_items(request: Any, role: str | None) -> list[NavItem]:
    if role is None:
        return []
    items = [NavItem(_("Campaigns"), reverse("campaign:home"), "/campaign/campaigns/")]
    if role == roles.INSPECTION_STAFF:
        # No count here: the nav is on every page; the workspace panel shows the figure.
        items.append(
            NavItem(_("Review queue"), reverse("campaign:review_queue"), "/campaign/review/")
        )
    if role in (roles.INSPECTION_STAFF, roles.LEADERSHIP):
        items.append(
            NavItem(_("Inspections"), reverse("campaign:inspection_list"), "/campaign/inspections/")
        )
    if role == roles.UNIT_HEAD:
        items.append(
            NavItem(_("Deliverables"), reverse("campaign:deliverables"), "/campaign/deliverables/")
        )
    items.append(NavItem(_("Circulars"), reverse("campaign:circular_list"), "/campaign/circulars/"))
    return items


def workspace_panels(request: Any, role: str | None) -> list[Panel]:
    if role is None:
        return []
    campaign = selectors.current_campaign(user=request.user)
    if campaign is None:
        return []
    context: dict[str, Any] = {
        "campaign": campaign,
        "totals": selectors.campaign_totals(user=request.user, campaign=campaign),
        "review": None,
        "due_deliverables": None,
        "can_act": False,
    }
    if role == roles.INSPECTION_STAFF:
        context["review"] = (
            selectors.items_overseen_by(user=request.user)
            .filter(
                status__in=[
                    RectificationItem.Status.SUBMITTED,
                    RectificationItem.Status.CLOSURE_REQUESTED,
                ]
            )
            .count()
        )
    if role == roles.UNIT_HEAD:
        context["can_act"] = True
        done = Submission.objects.filter(
            unit_scope_q(user=request.user, codename=ACT, prefix="unit__"),
            status__in=[Submission.Status.SUBMITTED, Submission.Status.ACCEPTED],
        )
        context["due_deliverables"] = campaign.deliverables.exclude(
            Q(pk__in=done.values("deliverable"))
        ).count()
    return [Panel(template="campaign/_panel.html", context=context, order=10)]
