"""How the campaign app shows up in the shell: top navigation, workspace panels and its
figures in the leadership digests."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaign import selectors
from campaign.models import Campaign, RectificationItem, Submission
from campaign.supervisor_reports import supervisor_reports_filed_by
from units import roles
from units.cadres import cadres_visible_to
from units.digests import BacklogFigure, list_url
from units.extensions import NavItem, Panel
from units.selectors import ACT, unit_scope_q
from units.supervisors import supervisor_of, units_watched_by


def nav_items(request: Any, role: str | None) -> list[NavItem]:
    if role is None:
        return []
    if role == roles.SUPERVISOR:
        # A supervisor sees their units (on the workspace) and their own reports, nothing else.
        return [
            NavItem(
                _("My reports"),
                reverse("campaign:supervisor_report_list"),
                "/campaign/supervision/",
            )
        ]
    # 我的作风档案: every signed-in cadre's own record (a redirect; no query on each page).
    mine = NavItem(_("My work-style record"), reverse("campaign:cadre_mine"), "/campaign/cadres/")
    if role == roles.EVALUATOR:
        # An evaluator scores the assessment and sees no unit's campaign work.
        return [mine]
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
    if role == roles.INSPECTION_STAFF:
        items.append(
            NavItem(
                # Short in the menu (察访报告): the page's own heading says whose they are.
                pgettext("navigation", "Supervisors' reports"),
                reverse("campaign:supervisor_report_list"),
                "/campaign/supervision/",
            )
        )
    if role == roles.UNIT_HEAD:
        items.append(
            NavItem(_("Deliverables"), reverse("campaign:deliverables"), "/campaign/deliverables/")
        )
    items.append(NavItem(_("Circulars"), reverse("campaign:circular_list"), "/campaign/circulars/"))
    items.append(
        NavItem(
            _("Projects for the people"), reverse("campaign:project_list"), "/campaign/projects/"
        )
    )
    if role == roles.INSPECTION_STAFF:
        items.append(
            NavItem(
                pgettext("navigation", "Cadre records"),
                reverse("campaign:cadre_list"),
                "/campaign/cadres/",
            )
        )
    else:
        items.append(mine)
    return items


def _supervisor_panel(request: Any) -> Panel:
    """The supervisor's workspace: the units they watch and their latest reports."""
    supervisor = supervisor_of(user=request.user)
    reports = (
        supervisor_reports_filed_by(user=request.user)
        .select_related("unit")
        .order_by("-created_at", "-pk")[:10]
    )
    return Panel(
        template="campaign/_supervisor_panel.html",
        context={
            "supervisor": supervisor,
            "serving": supervisor is not None and supervisor.serving_on(),
            "units": list(units_watched_by(user=request.user).order_by("path")[:200]),
            "reports": list(reports),
        },
        order=5,
    )


def workspace_panels(request: Any, role: str | None) -> list[Panel]:
    if role is None:
        return []
    if role == roles.SUPERVISOR:
        return [_supervisor_panel(request)]
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


def _digest_items(scope: Any) -> Q:
    """The items a digest counts, through Campaign.items: those of units in the scope, at unit
    or leadership-team level (individual-level items are shown only to those who act or
    oversee, and every reader of a digest must find in the ledger what it counts)."""
    q = ~Q(items__level=RectificationItem.Level.INDIVIDUAL)
    if scope is not None:
        q &= Q(items__unit__path__startswith=scope.path)
    return q


def _digest_campaigns(scope: Any) -> Any:
    """Campaigns under way that reach the scope (above it, or within it)."""
    campaigns = Campaign.objects.filter(status=Campaign.Status.ACTIVE)
    if scope is None:
        return campaigns
    return campaigns.alias(digest_scope=Value(scope.path)).filter(
        Q(scope__path__startswith=scope.path) | Q(digest_scope__startswith=F("scope__path"))
    )


def digest_sections(*, period: Any, scope: Any = None) -> list[dict[str, Any]]:
    """Rectification figures of each campaign under way, for the scope: one aggregate query.

    Each line links to the campaign's ledger filtered to exactly what it counts (the ledger's
    dates, status, traffic light, level and unit filters), which leaders and inspection staff
    of the scope may all open.
    """
    # The figures of docs/FIGURES.md (campaign.selectors' definitions) over Campaign.items.
    p = "items__"
    within = _digest_items(scope)
    counted = within & selectors.item_counted_q(p)
    closed = selectors.item_closed_q(p)

    def between(name: str, since: Any, until: Any) -> Q:
        return Q(**{f"{p}{name}__gte": since, f"{p}{name}__lt": until})

    rows = (
        _digest_campaigns(scope)
        .annotate(
            filed=Count(
                "items", filter=counted & between("created_at", period.since, period.until)
            ),
            filed_before=Count(
                "items",
                filter=counted & between("created_at", period.previous_since, period.since),
            ),
            closed=Count(
                "items", filter=counted & closed & between("closed_at", period.since, period.until)
            ),
            closed_before=Count(
                "items",
                filter=counted & closed & between("closed_at", period.previous_since, period.since),
            ),
            still_open=Count("items", filter=counted & ~closed),
            overdue=Count("items", filter=within & selectors.item_overdue_q(period.as_of, p)),
            closure_requested=Count(
                "items",
                filter=within & Q(items__status=RectificationItem.Status.CLOSURE_REQUESTED),
            ),
        )
        .order_by("start_date", "pk")
        .values(
            "pk",
            "name",
            "filed",
            "filed_before",
            "closed",
            "closed_before",
            "still_open",
            "overdue",
            "closure_requested",
        )
    )
    item_word = pgettext("measure word for rectification items", "items")
    request_word = pgettext("measure word for requests", "requests")
    unit = scope.pk if scope is not None else None
    sections = []
    for row in rows:

        def ledger(row: dict[str, Any] = row, **params: Any) -> str:
            return list_url("campaign:ledger", row["pk"], level="collective", unit=unit, **params)

        sections.append(
            {
                "title": _("Rectification"),
                "subtitle": row["name"],
                "compare": True,
                "lines": [
                    {
                        "key": "items.filed",
                        "label": _("Items filed"),
                        "value": row["filed"],
                        "previous": row["filed_before"],
                        "url": ledger(status="filed", filed_from=period.start, filed_to=period.end),
                        "measure": item_word,
                    },
                    {
                        "key": "items.closed",
                        "label": _("Items closed"),
                        "value": row["closed"],
                        "previous": row["closed_before"],
                        "url": ledger(closed_from=period.start, closed_to=period.end),
                        "measure": item_word,
                    },
                    {
                        "key": "items.open",
                        "label": _("Items still open"),
                        "value": row["still_open"],
                        "previous": None,
                        "url": ledger(status="open"),
                        "measure": item_word,
                    },
                    {
                        "key": "items.overdue",
                        "label": _("Items overdue"),
                        "value": row["overdue"],
                        "previous": None,
                        "url": ledger(status="filed", light="red"),
                        "measure": item_word,
                        "overdue": True,
                    },
                    {
                        "key": "items.closure_requested",
                        "label": _("Closure requests awaiting review"),
                        "value": row["closure_requested"],
                        "previous": None,
                        "url": ledger(status=RectificationItem.Status.CLOSURE_REQUESTED),
                        "measure": request_word,
                    },
                ],
            }
        )
    return sections


def digest_backlog(*, period: Any, scope: Any = None) -> list[BacklogFigure]:
    """Overdue items per unit (the digest's items: campaigns under way, not individual-level)."""
    overdue = (
        RectificationItem.objects.filter(
            selectors.item_overdue_q(period.as_of),
            unit=OuterRef("pk"),
            campaign__in=_digest_campaigns(scope).values("pk"),
        )
        .exclude(level=RectificationItem.Level.INDIVIDUAL)
        .order_by()
        .values("unit")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return [BacklogFigure("overdue_items", _("Overdue rectification items"), Subquery(overdue))]


def cadre_record_urls(*, user: Any, person_ids: Any) -> dict[int, str]:
    """The shell's person_record_urls hook: the 作风档案 the user may open, one query."""
    visible = cadres_visible_to(user=user).filter(pk__in=list(person_ids))
    return {
        pk: reverse("campaign:cadre_record", args=[pk])
        for pk in visible.values_list("pk", flat=True)
    }
