"""Reads and scoping for campaigns, rectification items, inspections and circulars.

Every list, figure and export goes through one `*_visible_to(user)` per model. Figures are
computed in the database (conditional aggregates), never in Python loops over rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Round, TruncDate
from django.utils import timezone

from campaign.models import (
    AccountabilityAction,
    Campaign,
    Circular,
    Deliverable,
    ExtensionRequest,
    Finding,
    Inspection,
    RectificationItem,
    Submission,
)
from units.models import Responsibility, Unit
from units.selectors import ACT, OVERSEE, VIEW, unit_scope_q
from units.types import AnyUser
from units.workdays import light_case

Status = RectificationItem.Status
# Items that count in the figures: everything filed (drafts are the unit's scratch pad).
COUNTED = ~Q(status=Status.DRAFT)


def _any_of(*qs: Q) -> Q | None:
    """OR of scoping Qs, or None when one of them already allows everything."""
    if any(q == Q() for q in qs):
        return None
    combined = Q(pk__in=[])
    for q in qs:
        combined |= q
    return combined


def items_visible_to(*, user: AnyUser) -> QuerySet[RectificationItem]:
    """Items in the user's unit scope; individual-level items only to those who act or oversee."""
    qs = RectificationItem.objects.filter(unit_scope_q(user=user, codename=VIEW, prefix="unit__"))
    insiders = _any_of(
        unit_scope_q(user=user, codename=ACT, prefix="unit__"),
        unit_scope_q(user=user, codename=OVERSEE, prefix="unit__"),
    )
    if insiders is not None:
        qs = qs.filter(~Q(level=RectificationItem.Level.INDIVIDUAL) | insiders)
    return qs


def items_actable_by(*, user: AnyUser) -> QuerySet[RectificationItem]:
    return RectificationItem.objects.filter(unit_scope_q(user=user, codename=ACT, prefix="unit__"))


def items_overseen_by(*, user: AnyUser) -> QuerySet[RectificationItem]:
    return RectificationItem.objects.filter(
        unit_scope_q(user=user, codename=OVERSEE, prefix="unit__")
    )


def campaigns_visible_to(*, user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns whose scope reaches a unit the user sees; drafts only for staff."""
    reaches = Unit.objects.filter(
        unit_scope_q(user=user, codename=VIEW), path__startswith=OuterRef("scope__path")
    )
    qs = Campaign.objects.filter(Exists(reaches)).select_related("scope")
    if not user.has_perm("campaign.change_campaign"):  # type: ignore[union-attr]
        qs = qs.exclude(status=Campaign.Status.DRAFT)
    return qs


def current_campaign(*, user: AnyUser) -> Campaign | None:
    """The campaign a workspace shows: the latest one under way."""
    return (
        campaigns_visible_to(user=user)
        .filter(status=Campaign.Status.ACTIVE)
        .order_by("-start_date", "-pk")
        .first()
    )


# An item's deadline light is on while it is open and has a hard deadline.
LIGHT_ON = ~Q(status=Status.CLOSED) & Q(long_term=False)


def item_light(*, today: datetime.date) -> Case:
    """红灯 / 黄灯 for items, in SQL (units.workdays.light_case; units/_light.html shows it)."""
    return light_case(today=today, active=LIGHT_ON)


LEDGER_FILTERS = ("status", "list_kind", "level", "source", "light", "unit", "q")


def ledger(
    *, user: AnyUser, campaign: Campaign, filters: dict[str, Any] | None = None
) -> QuerySet[RectificationItem]:
    """整改台账: the visible items of a campaign with traffic lights, filtered."""
    filters = filters or {}
    today = timezone.localdate()
    qs = (
        items_visible_to(user=user)
        .filter(campaign=campaign)
        .annotate(light=item_light(today=today))
        .select_related("unit", "category")
    )
    for name in ("status", "list_kind", "level", "source"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("unit"):
        qs = qs.filter(unit__path__startswith=filters["unit"].path)
    if filters.get("light"):
        qs = qs.filter(light=filters["light"])  # type: ignore[misc]
    if filters.get("q"):
        qs = qs.filter(
            Q(problem__icontains=filters["q"]) | Q(responsible_person__icontains=filters["q"])
        )
    return qs.order_by("unit__path", "deadline", "pk")


def _rate(numerator: str, denominator: str) -> Case:
    return Case(
        When(
            **{f"{denominator}__gt": 0},
            then=Round(
                ExpressionWrapper(
                    Cast(F(numerator), DecimalField(max_digits=12, decimal_places=4))
                    * Value(Decimal(100))
                    / Cast(F(denominator), DecimalField(max_digits=12, decimal_places=4)),
                    output_field=DecimalField(max_digits=12, decimal_places=4),
                ),
                1,
            ),
        ),
        default=None,
        output_field=DecimalField(max_digits=6, decimal_places=1),
    )


def unit_figures(
    *, user: AnyUser, campaign: Campaign, today: datetime.date | None = None
) -> QuerySet[Unit]:
    """Per unit of the campaign's scope: items, closed, 整改率, on-time rate, overdue.

    One query, whatever the number of items: conditional counts grouped by unit, ranked
    by closure rate. Closure rate = closed / filed items; on-time rate = closed by the
    deadline / closed.
    """
    today = today or timezone.localdate()
    scope_path = campaign.scope.path
    counted = Q(rectification_items__campaign=campaign) & ~Q(
        rectification_items__status=Status.DRAFT
    )
    closed = counted & Q(rectification_items__status=Status.CLOSED)
    return (
        Unit.objects.visible_to(user)
        .filter(path__startswith=scope_path, status=Unit.Status.ACTIVE)
        .exclude(path=scope_path)
        .annotate(
            items=Count("rectification_items", filter=counted),
            closed=Count("rectification_items", filter=closed),
            closed_on_time=Count(
                "rectification_items",
                filter=closed
                & Q(rectification_items__closed_at__isnull=False)
                & Q(rectification_items__deadline__gte=TruncDate("rectification_items__closed_at")),
            ),
            overdue=Count(
                "rectification_items",
                filter=counted
                & ~Q(rectification_items__status=Status.CLOSED)
                & Q(rectification_items__long_term=False, rectification_items__deadline__lt=today),
            ),
        )
        .annotate(
            closure_rate=_rate("closed", "items"), on_time_rate=_rate("closed_on_time", "closed")
        )
        .filter(items__gt=0)
        .order_by(F("closure_rate").desc(nulls_last=True), "overdue", "path")
    )


def campaign_totals(
    *, user: AnyUser, campaign: Campaign, today: datetime.date | None = None
) -> dict[str, Any]:
    """The same figures for the whole campaign (as far as the user sees), in one query."""
    today = today or timezone.localdate()
    qs = RectificationItem.objects.filter(
        unit_scope_q(user=user, prefix="unit__"), COUNTED, campaign=campaign
    )
    closed = Q(status=Status.CLOSED)
    totals = qs.aggregate(
        items=Count("pk"),
        closed=Count("pk", filter=closed),
        closed_on_time=Count(
            "pk",
            filter=closed & Q(closed_at__isnull=False) & Q(deadline__gte=TruncDate("closed_at")),
        ),
        overdue=Count("pk", filter=~closed & Q(long_term=False, deadline__lt=today)),
        long_term=Count("pk", filter=Q(long_term=True) & ~closed),
    )
    totals["closure_rate"] = _percent(totals["closed"], totals["items"])
    totals["on_time_rate"] = _percent(totals["closed_on_time"], totals["closed"])
    return totals


def _percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


def status_counts(*, items: QuerySet[RectificationItem]) -> dict[str, int]:
    return dict(items.order_by().values_list("status").annotate(n=Count("pk")))  # type: ignore[arg-type]


def review_queue(*, user: AnyUser) -> dict[str, Any]:
    """What waits for inspection staff: submitted lists, closure requests, extension requests."""
    overseen = items_overseen_by(user=user).select_related("unit", "campaign", "category")
    return {
        "submitted": list(
            overseen.filter(status=Status.SUBMITTED).order_by("unit__path", "pk")[:500]
        ),
        "closure_requested": list(
            overseen.filter(status=Status.CLOSURE_REQUESTED).order_by("deadline", "pk")[:500]
        ),
        "extensions": list(
            ExtensionRequest.objects.filter(
                unit_scope_q(user=user, codename=OVERSEE, prefix="item__unit__"),
                status=ExtensionRequest.Status.PENDING,
            )
            .select_related("item", "item__unit", "requested_by")
            .order_by("created_at")[:500]
        ),
    }


def overdue_board(
    *, user: AnyUser, today: datetime.date | None = None
) -> QuerySet[RectificationItem]:
    """Every overdue item the user may see, most overdue first (督办)."""
    today = today or timezone.localdate()
    return (
        items_visible_to(user=user)
        .filter(COUNTED)
        .overdue(today)  # type: ignore[attr-defined]
        .select_related("unit", "campaign", "category")
        .order_by("deadline", "unit__path", "pk")
    )


def deliverables_for_unit(*, campaign: Campaign, unit: Unit) -> list[Deliverable]:
    """The campaign's deliverables with this unit's submission attached (2 queries)."""
    deliverables = list(campaign.deliverables.select_related("phase").order_by("due_date", "pk"))
    submissions = {
        s.deliverable_id: s
        for s in Submission.objects.filter(deliverable__campaign=campaign, unit=unit)
    }
    for deliverable in deliverables:
        deliverable.my_submission = submissions.get(deliverable.pk)  # type: ignore[attr-defined]
    return deliverables


def submissions_visible_to(*, user: AnyUser) -> QuerySet[Submission]:
    return Submission.objects.filter(unit_scope_q(user=user, prefix="unit__"))


def deliverable_status(*, user: AnyUser, deliverable: Deliverable) -> QuerySet[Unit]:
    """Units in scope with their submission's status, lateness and missing flag, one query."""
    campaign = deliverable.campaign
    submission = Submission.objects.filter(deliverable=deliverable, unit=OuterRef("pk"))
    return (
        Unit.objects.visible_to(user)
        .filter(path__startswith=campaign.scope.path, depth=campaign.scope.depth + 1)
        .active()
        .annotate(
            submission_status=submission.values("status")[:1],
            submission_id=submission.values("pk")[:1],
            submitted_at=submission.values("submitted_at")[:1],
            submission_text=submission.values("text")[:1],
            submission_attachment=submission.values("attachment")[:1],
            return_reason=submission.values("return_reason")[:1],
        )
        .order_by("path")
    )


def deliverable_counts(*, campaign: Campaign) -> QuerySet[Deliverable]:
    """Per deliverable: submitted, accepted, returned, late — counted in SQL."""
    return campaign.deliverables.annotate(
        submitted_count=Count("submissions"),
        accepted_count=Count(
            "submissions", filter=Q(submissions__status=Submission.Status.ACCEPTED)
        ),
        returned_count=Count(
            "submissions", filter=Q(submissions__status=Submission.Status.RETURNED)
        ),
        late_count=Count(
            "submissions", filter=Q(submissions__submitted_at__date__gt=F("due_date"))
        ),
    ).order_by("due_date", "pk")


def inspections_visible_to(*, user: AnyUser) -> QuerySet[Inspection]:
    """Staff and leaders see the inspections in their jurisdiction (all of them when it is
    every unit); others those with findings on their units."""
    units_seen = unit_scope_q(user=user, prefix="unit__")
    staff = user.has_perm("campaign.view_inspection")  # type: ignore[union-attr]
    if staff and units_seen == Q():
        return Inspection.objects.all()
    own = Exists(Finding.objects.filter(units_seen, inspection=OuterRef("pk")))
    if staff:
        # The ability is no jurisdiction: staff of a subtree also see visits to its units.
        visited = Unit.objects.filter(unit_scope_q(user=user), inspections=OuterRef("pk"))
        return Inspection.objects.filter(own | Exists(visited))
    return Inspection.objects.filter(own)


def findings_visible_to(*, user: AnyUser) -> QuerySet[Finding]:
    return Finding.objects.filter(unit_scope_q(user=user, prefix="unit__"))


def units_with_many_findings(*, campaign: Campaign, threshold: int = 3) -> QuerySet[Unit]:
    """Candidates for an efficiency warning talk (效能告诫谈话)."""
    return (
        Unit.objects.filter(findings__inspection__campaign=campaign)
        .annotate(finding_count=Count("findings"))
        .filter(finding_count__gte=threshold)
        .order_by("-finding_count", "path")
    )


def circulars_visible_to(*, user: AnyUser) -> QuerySet[Circular]:
    campaigns = campaigns_visible_to(user=user)
    qs = Circular.objects.filter(campaign__in=campaigns)
    if not user.has_perm("campaign.change_circular"):  # type: ignore[union-attr]
        qs = qs.filter(status=Circular.Status.PUBLISHED)
    return qs


def public_circulars() -> QuerySet[Circular]:
    return Circular.objects.filter(status=Circular.Status.PUBLISHED, is_public=True).select_related(
        "campaign"
    )


def _answering_responsibilities() -> QuerySet[Responsibility]:
    """Current responsibilities whose holders answer for a unit, with an active login."""
    return (
        Responsibility.objects.current()
        .filter(
            role__in=[
                Responsibility.Role.FIRST_RESPONSIBLE,
                Responsibility.Role.PRINCIPAL,
                Responsibility.Role.LIAISON,
            ],
            person__user__isnull=False,
            person__user__is_active=True,
        )
        .select_related("person__user", "unit")
    )


def unit_heads_lookup() -> Callable[[Unit], list[Any]]:
    """unit_heads for many units from one query: the nearest unit upwards that has any."""
    rows = _answering_responsibilities()
    by_path: dict[str, list[Any]] = {}
    for row in rows:
        by_path.setdefault(row.unit.path, []).append(row.person.user)

    def heads(unit: Unit) -> list[Any]:
        path = unit.path
        while path:
            if path in by_path:
                return by_path[path]
            path = path[: -Unit.steplen]
        return []

    return heads


def unit_heads(*, unit: Unit) -> list[Any]:
    """Login accounts answering for the unit: the nearest unit upwards that has any."""
    ancestors = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    rows = _answering_responsibilities().filter(unit__path__in=ancestors)
    by_depth: dict[int, list[Any]] = {}
    for row in rows:
        by_depth.setdefault(len(row.unit.path), []).append(row.person.user)
    if not by_depth:
        return []
    return by_depth[max(by_depth)]


def accountability_visible_to(*, user: AnyUser) -> QuerySet[AccountabilityAction]:
    """问责 of units in the user's reach: by its unit, or else by its person's unit."""
    by_unit = unit_scope_q(user=user, prefix="unit__")
    if by_unit == Q():  # the whole organisation (an empty Q would swallow the OR below)
        return AccountabilityAction.objects.all()
    by_person = Q(unit__isnull=True) & unit_scope_q(user=user, prefix="person__unit__")
    return AccountabilityAction.objects.filter(by_unit | by_person)


def accountability_for_inspection(
    *, user: AnyUser, inspection: Inspection
) -> QuerySet[AccountabilityAction]:
    """问责 recorded from an inspection or from one of its findings, as far as the user sees."""
    types = ContentType.objects.get_for_models(Inspection, Finding)
    return (
        accountability_visible_to(user=user)
        .filter(
            Q(source_type=types[Inspection], source_id=inspection.pk)
            | Q(
                source_type=types[Finding],
                source_id__in=Finding.objects.filter(inspection=inspection).values("pk"),
            )
        )
        .select_related("unit", "person")
        .order_by("-date", "-pk")
    )
