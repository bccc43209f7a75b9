"""How complaints plug into the shell: a nav entry and a workspace panel per role."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import permissions, selectors
from complaints.models import Complaint
from units import roles
from units.extensions import NavItem, Panel
from units.selectors import ACT, unit_scope_q
from units.workdays import due_soon_cutoff


def nav_items(request: Any, role: str | None) -> list[NavItem]:
    user = request.user
    if permissions.is_handler(user):
        return [
            NavItem(
                label=_("Complaints"), url=reverse("complaints:queue"), active_prefix="/complaints/"
            )
        ]
    if role in (roles.UNIT_HEAD,):
        return [
            NavItem(
                label=_("Complaints"), url=reverse("complaints:mine"), active_prefix="/complaints/"
            )
        ]
    if role in (roles.LEADERSHIP, roles.LEADER_IN_CHARGE):
        return [
            NavItem(
                label=_("Complaints"), url=reverse("complaints:list"), active_prefix="/complaints/"
            )
        ]
    if permissions.can_view_figures(user):
        return [
            NavItem(
                label=_("Complaint figures"),
                url=reverse("complaints:figures"),
                active_prefix="/complaints/",
            )
        ]
    return []


def workspace_panels(request: Any, role: str | None) -> list[Panel]:
    """One aggregate query per panel."""
    user = request.user
    today = timezone.localdate()
    handling = Q(status__in=Complaint.HANDLING_STATUSES)
    if permissions.is_handler(user) or role in (roles.LEADERSHIP, roles.LEADER_IN_CHARGE):
        qs = selectors.complaints_visible_to(user=user)
        link = reverse("complaints:queue" if permissions.is_handler(user) else "complaints:list")
    elif role == roles.UNIT_HEAD:
        qs = Complaint.objects.filter(unit_scope_q(user=user, codename=ACT, prefix="unit__"))
        link = reverse("complaints:mine")
    else:
        return []
    # The calendar rarely changes within the hour: keep the workspace to one query.
    cutoff = cache.get_or_set(f"complaints:due-soon:{today}", lambda: due_soon_cutoff(today), 3600)
    counts = qs.aggregate(
        new=Count("pk", filter=Q(status=Complaint.Status.REGISTERED)),
        handling=Count("pk", filter=handling),
        due_soon=Count("pk", filter=handling & Q(deadline__gte=today, deadline__lte=cutoff)),
        overdue=Count("pk", filter=handling & Q(deadline__lt=today)),
        to_review=Count("pk", filter=Q(status=Complaint.Status.ANSWERED)),
    )
    figures = [
        (_("Being handled"), counts["handling"], ""),
        (_("Due within 3 working days"), counts["due_soon"], "warning"),
        (_("Overdue cases"), counts["overdue"], "danger"),
    ]
    if permissions.is_handler(user):
        figures = [
            (_("New, to accept"), counts["new"], "primary"),
            *figures,
            (_("Answers to review"), counts["to_review"], "primary"),
        ]
    return [
        Panel(
            template="complaints/_panel.html", context={"figures": figures, "link": link}, order=30
        )
    ]


def digest_sections(*, period: Any) -> list[dict[str, Any]]:
    """Complaint figures for a leadership digest: one aggregate query."""
    received = Q(received_at__gte=period.since, received_at__lt=period.until)
    received_before = Q(received_at__gte=period.previous_since, received_at__lt=period.since)
    closed = Q(
        status=Complaint.Status.CLOSED, closed_at__gte=period.since, closed_at__lt=period.until
    )
    closed_before = Q(
        status=Complaint.Status.CLOSED,
        closed_at__gte=period.previous_since,
        closed_at__lt=period.since,
    )
    open_ = ~Q(status__in=Complaint.FINAL_STATUSES)
    overdue = Q(status__in=Complaint.HANDLING_STATUSES, deadline__lt=period.as_of)
    figures = Complaint.objects.aggregate(
        received=Count("pk", filter=received),
        received_before=Count("pk", filter=received_before),
        closed=Count("pk", filter=closed),
        closed_before=Count("pk", filter=closed_before),
        unsatisfied=Count("pk", filter=closed & Q(satisfaction=Complaint.Satisfaction.UNSATISFIED)),
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=overdue),
        supervised=Count("pk", filter=open_ & ~Q(supervision=Complaint.Supervision.NONE)),
    )
    ledger = reverse("complaints:ledger")
    return [
        {
            "title": _("Complaints"),
            "compare": True,
            "lines": [
                {
                    "label": _("New complaints"),
                    "value": figures["received"],
                    "previous": figures["received_before"],
                    "url": ledger,
                },
                {
                    "label": _("Complaints closed"),
                    "value": figures["closed"],
                    "previous": figures["closed_before"],
                    "url": ledger,
                },
                {
                    "label": _("Closed with the complainant unsatisfied"),
                    "value": figures["unsatisfied"],
                    "previous": None,
                    "url": ledger,
                },
                {
                    "label": _("Complaints still open"),
                    "value": figures["open"],
                    "previous": None,
                    "url": reverse("complaints:queue"),
                },
                {
                    "label": _("Complaints overdue"),
                    "value": figures["overdue"],
                    "previous": None,
                    "url": reverse("complaints:queue"),
                },
                {
                    "label": _("Under supervision"),
                    "value": figures["supervised"],
                    "previous": None,
                    "url": reverse("complaints:queue"),
                },
            ],
        }
    ]


def digest_backlog() -> dict[str, Any]:
    """Overdue complaints per handling unit, for the digest's units at the bottom."""
    overdue = (
        Complaint.objects.filter(
            unit=OuterRef("pk"),
            status__in=Complaint.HANDLING_STATUSES,
            deadline__lt=timezone.localdate(),
        )
        .order_by()
        .values("unit")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return {"overdue_complaints": Subquery(overdue)}
