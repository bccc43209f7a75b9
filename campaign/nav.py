"""How the campaign app shows up in the shell: top navigation and workspace panels."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from campaign import selectors
from campaign.models import RectificationItem, Submission
from units import roles
from units.extensions import NavItem, Panel
from units.selectors import ACT, unit_scope_q


def nav_items(request: Any, role: str | None) -> list[NavItem]:
    if role is None or role == roles.EVALUATOR:
        # An evaluator scores the assessment and sees no unit's campaign work.
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


def digest_sections(*, period: Any) -> list[dict[str, Any]]:
    """Rectification figures for a leadership digest: one aggregate query."""
    flow = Q(created_at__gte=period.since, created_at__lt=period.until)
    before = Q(created_at__gte=period.previous_since, created_at__lt=period.since)
    closed = Q(closed_at__gte=period.since, closed_at__lt=period.until)
    closed_before = Q(closed_at__gte=period.previous_since, closed_at__lt=period.since)
    open_ = ~Q(status=RectificationItem.Status.CLOSED)
    overdue = open_ & Q(long_term=False, deadline__lt=period.as_of)
    figures = RectificationItem.objects.aggregate(
        filed=Count("pk", filter=flow),
        filed_before=Count("pk", filter=before),
        closed=Count("pk", filter=closed),
        closed_before=Count("pk", filter=closed_before),
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=overdue),
        closure_requested=Count("pk", filter=Q(status=RectificationItem.Status.CLOSURE_REQUESTED)),
    )
    return [
        {
            "title": _("Rectification"),
            "compare": True,
            "lines": [
                {
                    "label": _("Items filed"),
                    "value": figures["filed"],
                    "previous": figures["filed_before"],
                    "url": reverse("campaign:home"),
                },
                {
                    "label": _("Items closed"),
                    "value": figures["closed"],
                    "previous": figures["closed_before"],
                    "url": reverse("campaign:home"),
                },
                {
                    "label": _("Items still open"),
                    "value": figures["open"],
                    "previous": None,
                    "url": reverse("campaign:home"),
                },
                {
                    "label": _("Items overdue"),
                    "value": figures["overdue"],
                    "previous": None,
                    "url": reverse("campaign:overdue_board"),
                },
                {
                    "label": _("Closure requests awaiting review"),
                    "value": figures["closure_requested"],
                    "previous": None,
                    "url": reverse("campaign:review_queue"),
                },
            ],
        }
    ]


def digest_backlog() -> dict[str, Any]:
    """Overdue rectification items per unit, for the digest's units at the bottom."""
    overdue = (
        RectificationItem.objects.overdue()
        .filter(unit=OuterRef("pk"))
        .order_by()
        .values("unit")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return {"overdue_items": Subquery(overdue)}
