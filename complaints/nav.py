"""How complaints plug into the shell: a nav entry and a workspace panel per role."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from complaints import permissions, selectors
from complaints.models import Complaint, clock_running_q
from units import roles
from units.digests import BacklogFigure, list_url
from units.extensions import NavItem, Panel
from units.selectors import ACT, unit_scope_q
from units.workdays import due_soon_cutoff


def nav_items(request: Any, role: str | None) -> list[NavItem]:
    user = request.user
    if permissions.is_handler(user):
        return [
            NavItem(
                label=_("Complaints"), url=reverse("complaints:queue"), active_prefix="/complaints/"
            ),
            NavItem(
                label=_("Dispatch catalogue"),
                url=reverse("complaints:rules"),
                active_prefix="/complaints/dispatch-catalogue/",
            ),
        ]
    if role in (roles.UNIT_HEAD,):
        return [
            NavItem(
                label=_("Complaints"), url=reverse("complaints:mine"), active_prefix="/complaints/"
            ),
            NavItem(
                label=_("Co-handling parts"),
                url=reverse("complaints:parts"),
                active_prefix="/complaints/parts/",
            ),
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


def _identity_requests_panel(user: Any) -> list[Panel]:
    """A custodian's pending requests to see an identity: the oldest few and the count."""
    if not permissions.is_identity_custodian(user):
        return []
    pending = selectors.identity_requests_to_decide(user=user)
    shown = list(pending[:5])
    total = len(shown) if len(shown) < 5 else pending.count()
    return [
        Panel(
            template="complaints/_identity_panel.html",
            context={
                "requests": shown,
                "total": total,
                "link": reverse("complaints:identity_requests"),
            },
            order=25,  # above the complaint figures: someone is waiting on the decision
        )
    ]


def workspace_panels(request: Any, role: str | None) -> list[Panel]:
    """One aggregate query per panel."""
    user = request.user
    custodian = _identity_requests_panel(user)
    today = timezone.localdate()
    handling = Q(status__in=Complaint.HANDLING_STATUSES)
    if permissions.is_handler(user) or role in (roles.LEADERSHIP, roles.LEADER_IN_CHARGE):
        qs = selectors.complaints_visible_to(user=user)
        link = reverse("complaints:queue" if permissions.is_handler(user) else "complaints:list")
    elif role == roles.UNIT_HEAD:
        qs = Complaint.objects.filter(unit_scope_q(user=user, codename=ACT, prefix="unit__"))
        link = reverse("complaints:mine")
    else:
        return custodian
    # The calendar rarely changes within the hour: keep the workspace to one query.
    cutoff = cache.get_or_set(f"complaints:due-soon:{today}", lambda: due_soon_cutoff(today), 3600)
    # Every figure counts cases in one of these states: read only those (the status index),
    # never the closed millions.
    counted = sorted(
        {Complaint.Status.REGISTERED, Complaint.Status.ANSWERED, *Complaint.HANDLING_STATUSES}
    )
    counts = qs.filter(status__in=counted).aggregate(
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
        *custodian,
        Panel(
            template="complaints/_panel.html", context={"figures": figures, "link": link}, order=30
        ),
    ]


def digest_sections(*, period: Any, scope: Any = None) -> list[dict[str, Any]]:
    """Complaint figures for a leadership digest, for the scope: one aggregate query.

    Each line links to the complaint list filtered to exactly what it counts (status, dates,
    satisfaction, traffic light, supervision and, for a subtree, the unit), a page leaders and
    inspection staff may all open.
    """
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
    overdue = clock_running_q() & Q(deadline__lt=period.as_of)
    complaints = Complaint.objects.all()
    if scope is not None:
        # As the list's unit filter (complaints.filters): handled by a unit of the subtree.
        complaints = complaints.filter(unit__path__startswith=scope.path)
    figures = complaints.aggregate(
        received=Count("pk", filter=received),
        received_before=Count("pk", filter=received_before),
        closed=Count("pk", filter=closed),
        closed_before=Count("pk", filter=closed_before),
        unsatisfied=Count("pk", filter=closed & Q(satisfaction=Complaint.Satisfaction.UNSATISFIED)),
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=overdue),
        supervised=Count("pk", filter=open_ & ~Q(supervision=Complaint.Supervision.NONE)),
    )
    unit = scope.pk if scope is not None else None
    word = pgettext("measure word for complaints", "cases")

    def listed(**params: Any) -> str:
        return list_url("complaints:list", unit=unit, **params)

    return [
        {
            "title": _("Complaints"),
            "compare": True,
            "lines": [
                {
                    "key": "complaints.received",
                    "label": _("New complaints"),
                    "value": figures["received"],
                    "previous": figures["received_before"],
                    "url": listed(status="", received_from=period.start, received_to=period.end),
                    "measure": word,
                },
                {
                    "key": "complaints.closed",
                    "label": _("Complaints closed"),
                    "value": figures["closed"],
                    "previous": figures["closed_before"],
                    "url": listed(
                        status=Complaint.Status.CLOSED,
                        closed_from=period.start,
                        closed_to=period.end,
                    ),
                    "measure": word,
                },
                {
                    "key": "complaints.unsatisfied",
                    "label": _("Closed with the complainant unsatisfied"),
                    "value": figures["unsatisfied"],
                    "previous": None,
                    "url": listed(
                        status=Complaint.Status.CLOSED,
                        closed_from=period.start,
                        closed_to=period.end,
                        satisfaction=Complaint.Satisfaction.UNSATISFIED,
                    ),
                    "measure": word,
                },
                {
                    "key": "complaints.open",
                    "label": _("Complaints still open"),
                    "value": figures["open"],
                    "previous": None,
                    "url": listed(status="open"),
                    "measure": word,
                },
                {
                    "key": "complaints.overdue",
                    "label": _("Complaints overdue"),
                    "value": figures["overdue"],
                    "previous": None,
                    "url": listed(status="open", light="red"),
                    "measure": word,
                    "overdue": True,
                },
                {
                    "key": "complaints.supervised",
                    "label": _("Under supervision"),
                    "value": figures["supervised"],
                    "previous": None,
                    "url": listed(status="open", supervision="any"),
                    "measure": word,
                },
            ],
        }
    ]


def digest_backlog(*, period: Any, scope: Any = None) -> list[BacklogFigure]:
    """Overdue complaints per handling unit (the unit whose deadline ran out)."""
    overdue = (
        Complaint.objects.filter(
            unit=OuterRef("pk"),
            status__in=Complaint.HANDLING_STATUSES,
            deadline__lt=period.as_of,
        )
        .order_by()
        .values("unit")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return [BacklogFigure("overdue_complaints", _("Overdue complaints"), Subquery(overdue))]
