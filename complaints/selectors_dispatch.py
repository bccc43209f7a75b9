"""Reads for the dispatch catalogue, co-handling parts and dispatch disputes.

Scoping in one place each: `parts_visible_to` (the co-handling unit, whoever sees it, and
the staff who see the case), `rules_visible_to` (complaint staff), `disputes_visible_to`.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from complaints.models import Complaint, ComplaintPart, DispatchDispute, DispatchRule
from complaints.selectors import complaint_scope_q
from units.selectors import ACT, OVERSEE, unit_scope_q
from units.types import AnyUser
from units.workdays import light_case

_NOTHING = Q(pk__in=[])
HANDLE = "complaints.handle_complaint"


def _is_handler(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(HANDLE))  # type: ignore[union-attr]


# --- 派单目录 ---------------------------------------------------------------------------------


def rules_visible_to(*, user: AnyUser) -> QuerySet[DispatchRule]:
    """The catalogue: complaint staff read all of it (a county-wide reference)."""
    if not _is_handler(user):
        return DispatchRule.objects.none()
    return DispatchRule.objects.all()


def catalogue(*, user: AnyUser, include_retired: bool = False) -> QuerySet[DispatchRule]:
    """The catalogue page: one query, the category, area and unit joined."""
    qs = rules_visible_to(user=user).select_related("category", "area", "unit", "created_by")
    if not include_retired:
        qs = qs.filter(status=DispatchRule.Status.ACTIVE)
    return qs


# --- 协办 -------------------------------------------------------------------------------------


def part_scope_q(*, user: AnyUser) -> Q:
    """A part is seen by its co-handling unit (and whoever sees that unit: its leader in
    charge, officers over it) and by the staff who handle the case."""
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    q = unit_scope_q(user=user, prefix="unit__")
    if q == Q():
        return q
    if _is_handler(user):
        handled = complaint_scope_q(user=user)
        if handled == Q():
            return handled
        q |= Q(complaint__in=Complaint.objects.filter(handled).values("pk"))
    return q


def parts_visible_to(*, user: AnyUser) -> QuerySet[ComplaintPart]:
    return ComplaintPart.objects.filter(part_scope_q(user=user))


def parts_of_case(*, complaint: Complaint) -> QuerySet[ComplaintPart]:
    """The parts on the case page (officers and the lead unit): never the internal notes
    unless the page asks for them."""
    return (
        complaint.parts.select_related("unit")
        .annotate(
            light_value=light_case(
                today=timezone.localdate(), active=Q(status__in=ComplaintPart.OUTSTANDING)
            )
        )
        .order_by("deadline", "pk")
    )


def parts_for_cohandler(*, user: AnyUser) -> QuerySet[ComplaintPart]:
    """The parts of the units the user acts for, open ones first by deadline: one query."""
    return (
        ComplaintPart.objects.filter(unit_scope_q(user=user, codename=ACT, prefix="unit__"))
        .exclude(status=ComplaintPart.Status.WITHDRAWN)
        .select_related("complaint", "complaint__category", "unit")
        .annotate(
            light_value=light_case(
                today=timezone.localdate(), active=Q(status__in=ComplaintPart.OUTSTANDING)
            ),
            open_first=Case(
                When(status__in=ComplaintPart.OUTSTANDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("open_first", "deadline", "pk")
    )


def outstanding_parts(*, complaint: Complaint) -> QuerySet[ComplaintPart]:
    return complaint.parts.filter(status__in=ComplaintPart.OUTSTANDING)


def overdue_parts(
    *, today: datetime.date | None = None, user: AnyUser | None = None
) -> QuerySet[ComplaintPart]:
    """Parts still owed after their deadline, on open cases (for the case page, the board
    and the daily sweep): the open-parts index, oldest deadline first."""
    today = today or timezone.localdate()
    qs = ComplaintPart.objects.filter(
        status__in=ComplaintPart.OUTSTANDING, deadline__lt=today
    ).exclude(complaint__status__in=Complaint.FINAL_STATUSES)
    if user is not None:
        qs = qs.filter(part_scope_q(user=user))
    return qs.select_related("complaint", "unit").order_by("deadline", "pk")


# --- 派单异议 ---------------------------------------------------------------------------------


def disputes_visible_to(*, user: AnyUser) -> QuerySet[DispatchDispute]:
    """Disputes are the officers' to decide: those over the case's units, or over the
    disputing unit; a unit sees its own."""
    if not user.is_authenticated:
        return DispatchDispute.objects.none()
    q = unit_scope_q(user=user, prefix="unit__")
    if _is_handler(user):
        q |= Q(complaint__in=Complaint.objects.filter(complaint_scope_q(user=user)).values("pk"))
    return DispatchDispute.objects.filter(q)


def disputes_to_decide(
    *, user: AnyUser, today: datetime.date | None = None
) -> QuerySet[DispatchDispute]:
    """Pending disputes the officer may decide, annotated `is_overdue` (decision past due)."""
    if not _is_handler(user):
        return DispatchDispute.objects.none()
    today = today or timezone.localdate()
    scope = unit_scope_q(user=user, codename=OVERSEE, prefix="complaint__unit__")
    return (
        DispatchDispute.objects.filter(scope, status=DispatchDispute.Status.PENDING)
        .select_related("complaint", "unit", "part")
        .annotate(
            is_overdue=Case(
                When(decide_by__lt=today, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("decide_by", "pk")
    )


def pending_dispute(
    *, complaint: Complaint, part: ComplaintPart | None = None
) -> DispatchDispute | None:
    qs = complaint.disputes.filter(status=DispatchDispute.Status.PENDING).select_related("unit")
    qs = qs.filter(part=part) if part is not None else qs.filter(part__isnull=True)
    return qs.first()
