"""Reads for complaints: scoping, queues, the ledger and the figures (all in the database)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone

from campaign.models import AccountabilityAction, Campaign, RectificationItem
from campaign.selectors import accountability_visible_to, campaigns_visible_to, items_visible_to
from complaints.models import Complaint, ComplaintCategory, ExtensionRequest, IdentityReveal
from units.models import Responsibility, Unit
from units.selectors import ACT, OVERSEE, unit_scope_q, user_sees_all_units
from units.types import AnyUser
from units.workdays import due_soon_cutoff, light_case

_NOTHING = Q(pk__in=[])


def complaint_scope_q(*, user: AnyUser) -> Q:
    """The one scoping rule for complaints, derived from the unit jurisdiction alone.

    No complaint permission widens it: whoever sees every unit sees every complaint, anyone
    else only the complaints of units in their scope (`complaints.view_all_complaints` is an
    ability to read complaints, not a jurisdiction).
    """
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    units_seen = unit_scope_q(user=user, prefix="unit__")
    if units_seen == Q():  # what units.selectors.user_sees_all_units tests, without a query
        return Q()
    q = _NOTHING
    if user.has_perm("complaints.handle_complaint"):  # type: ignore[union-attr]
        # Intake not yet routed belongs to the staff whose jurisdiction holds the unit
        # complained about (intake naming no unit is the county's: see-all staff only).
        unrouted = Q(unit__isnull=True) & unit_scope_q(
            user=user, codename=OVERSEE, prefix="subject_unit__"
        )
        q = unrouted | unit_scope_q(user=user, codename=OVERSEE, prefix="unit__")
    # Units (and their leaders in charge) see what is assigned to them, never the rest.
    return q | Q(unit__isnull=False) & units_seen


def complaints_visible_to(*, user: AnyUser) -> QuerySet[Complaint]:
    return Complaint.objects.filter(complaint_scope_q(user=user))


def with_light(qs: QuerySet[Complaint], today: datetime.date | None = None) -> QuerySet[Complaint]:
    """Annotate `light_value` (units/_light.html): the deadline runs while a unit handles it."""
    return qs.annotate(
        light_value=light_case(
            today=today or timezone.localdate(),
            active=Q(status__in=Complaint.HANDLING_STATUSES),
        )
    )


def public_case(*, tracking_code: str) -> Complaint | None:
    """The case a tracking code names, with only what its public status page shows."""
    return (
        Complaint.objects.select_related("merged_into")
        .filter(tracking_code=tracking_code)
        .only(
            "number",
            "tracking_code",
            "status",
            "title",
            "received_at",
            "accepted_at",
            "assigned_at",
            "deadline",
            "answered_at",
            "closed_at",
            "rejection_reason",
            "public_reply",
            "satisfaction",
            "merged_into__number",
            "merged_into__tracking_code",
        )
        .first()
    )


def complaint_list(
    *, user: AnyUser, status: str = "", search: str = "", unit_id: int | None = None
) -> QuerySet[Complaint]:
    qs = with_light(complaints_visible_to(user=user).select_related("category", "unit"))
    if status == "open":
        qs = qs.exclude(status__in=Complaint.FINAL_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(title__icontains=search))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs


def triage_queue(*, user: AnyUser) -> QuerySet[Complaint]:
    """New intake to accept or reject, and accepted cases waiting for a unit."""
    return (
        complaints_visible_to(user=user)
        .filter(
            status__in=(
                Complaint.Status.REGISTERED,
                Complaint.Status.ACCEPTED,
                Complaint.Status.REROUTE_REQUESTED,
                Complaint.Status.ANSWERED,
            )
        )
        .select_related("category", "unit", "subject_unit")
        .order_by("accept_deadline", "received_at", "pk")
    )


def unit_workspace(*, user: AnyUser) -> QuerySet[Complaint]:
    """Open complaints routed to units the user acts for, the most urgent first."""
    return with_light(
        Complaint.objects.filter(unit_scope_q(user=user, codename=ACT, prefix="unit__"))
        .filter(unit__isnull=False)
        .exclude(status__in=Complaint.FINAL_STATUSES)
        .select_related("category", "unit")
        .order_by("deadline", "pk")
    )


def suggested_unit(*, category: ComplaintCategory | None, subject_unit: Unit | None) -> Unit | None:
    """The unit complained about handles it (归口管理); else the category's default unit."""
    if subject_unit is not None and subject_unit.is_active:
        return subject_unit
    if category is not None and category.default_unit_id:
        return category.default_unit
    return None


def unit_recipients(*, unit: Unit) -> dict[str, list[Any]]:
    """Login accounts of the unit's heads and of its leaders in charge (also on ancestors)."""
    steplen = Unit.steplen
    ancestor_paths = [unit.path[:i] for i in range(steplen, len(unit.path) + 1, steplen)]
    rows = (
        Responsibility.objects.current()
        .filter(person__user__isnull=False, person__user__is_active=True)
        .filter(
            Q(unit=unit, role__in=("first", "principal", "liaison"))
            | Q(unit__path__in=ancestor_paths, role="in_charge")
        )
        .select_related("person__user")
    )
    heads: dict[int, Any] = {}
    in_charge: dict[int, Any] = {}
    for row in rows:
        user = row.person.user
        if user is None:
            continue
        target = in_charge if row.role == "in_charge" else heads
        target[user.pk] = user
    return {"heads": list(heads.values()), "in_charge": list(in_charge.values())}


def ledger(*, user: AnyUser) -> QuerySet[Complaint]:
    """投诉台账: every open case, oldest first; one query whatever the size."""
    return with_light(
        complaints_visible_to(user=user)
        .filter(status__in=Complaint.OPEN_STATUSES)
        .select_related("category", "unit", "subject_unit")
        .order_by("received_at", "pk")
    )


def age_in_days(complaint: Complaint, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return (today - timezone.localtime(complaint.received_at).date()).days


DIMENSIONS = {
    "unit": ("unit__name", "unit__path"),
    "category": ("category__name", "category__sort_order"),
    "channel": ("channel", "channel"),
    "month": ("month", "month"),
}


def figures(*, user: AnyUser, by: str, year: int | None = None) -> list[dict[str, Any]]:
    """Acceptance, on-time, closure, satisfaction and substantiation rates: one GROUP BY."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by}")
    label, order = DIMENSIONS[by]
    qs = Complaint.objects.all() if _sees_all_figures(user) else complaints_visible_to(user=user)
    qs = qs.exclude(status=Complaint.Status.MERGED)
    if year:
        qs = qs.filter(received_at__year=year)
    if by == "month":
        qs = qs.annotate(month=TruncMonth("received_at"))
    decided = ~Q(status=Complaint.Status.REGISTERED)
    accepted = decided & ~Q(status=Complaint.Status.REJECTED)
    closed = Q(status=Complaint.Status.CLOSED)
    fields = (label, order) if label != order else (label,)
    rows = (
        qs.order_by()
        .values(*fields)
        .annotate(
            total=Count("pk"),
            decided=Count("pk", filter=decided),
            accepted=Count("pk", filter=accepted),
            closed=Count("pk", filter=closed),
            closed_on_time=Count("pk", filter=closed & Q(closed_at__date__lte=F("deadline"))),
            rated=Count("pk", filter=~Q(satisfaction="")),
            satisfied=Count(
                "pk",
                filter=Q(
                    satisfaction__in=(
                        Complaint.Satisfaction.SATISFIED,
                        Complaint.Satisfaction.BASICALLY,
                    )
                ),
            ),
            judged=Count("pk", filter=~Q(verdict="")),
            substantiated=Count(
                "pk",
                filter=Q(verdict__in=(Complaint.Verdict.SUBSTANTIATED, Complaint.Verdict.PARTLY)),
            ),
            overdue=Count(
                "pk",
                filter=Q(status__in=Complaint.HANDLING_STATUSES, deadline__lt=timezone.localdate()),
            ),
        )
        .order_by(order)
    )
    result = []
    for row in rows:
        key = row[label]
        if by == "channel":
            key = Complaint.Channel(key).label if key else ""
        elif by == "month" and key is not None:
            key = timezone.localtime(key).strftime("%Y-%m") if hasattr(key, "hour") else str(key)
        result.append(
            {
                **row,
                "label": key,
                "acceptance_rate": _rate(row["accepted"], row["decided"]),
                "on_time_rate": _rate(row["closed_on_time"], row["closed"]),
                "closure_rate": _rate(row["closed"], row["accepted"]),
                "satisfaction_rate": _rate(row["satisfied"], row["rated"]),
                "substantiation_rate": _rate(row["substantiated"], row["judged"]),
            }
        )
    return result


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _sees_all_figures(user: AnyUser) -> bool:
    """County figures for whoever sees every unit, and for evaluators (who score the county
    and handle no case); staff confined to a subtree get their subtree's figures."""
    if not user.is_authenticated:
        return False
    if user_sees_all_units(user=user):
        return True
    return bool(
        user.has_perm("complaints.view_complaint_figures")  # type: ignore[union-attr]
        and not user.has_perm("complaints.handle_complaint")  # type: ignore[union-attr]
    )


def pending_extensions(*, complaint: Complaint) -> QuerySet[ExtensionRequest]:
    return complaint.extension_requests.filter(status=ExtensionRequest.Status.PENDING)


def identity_reveals(*, user: AnyUser) -> QuerySet[IdentityReveal]:
    return IdentityReveal.objects.filter(
        complaint__in=complaints_visible_to(user=user)
    ).select_related("complaint", "user")


def due_soon_filter(today: datetime.date) -> Q:
    return Q(deadline__gte=today, deadline__lte=due_soon_cutoff(today))


def _from_complaint(complaint: Complaint) -> Q:
    return Q(source_type=ContentType.objects.get_for_model(Complaint), source_id=complaint.pk)


def items_raised_from(
    *, complaint: Complaint, user: AnyUser | None = None
) -> QuerySet[RectificationItem]:
    """Rectification items whose source is the complaint (those `user` sees, if given)."""
    items = RectificationItem.objects.all() if user is None else items_visible_to(user=user)
    return items.filter(_from_complaint(complaint)).select_related("campaign", "unit")


def accountability_from(
    *, complaint: Complaint, user: AnyUser | None = None
) -> QuerySet[AccountabilityAction]:
    """问责 recorded from the complaint (as far as `user`, when given, may see them)."""
    base = AccountabilityAction.objects if user is None else accountability_visible_to(user=user)
    return base.filter(_from_complaint(complaint)).select_related("unit", "person")


def campaigns_for_item(*, user: AnyUser, unit: Unit) -> QuerySet[Campaign]:
    """Campaigns under way, seen by the officer, whose scope covers the unit complained about."""
    return (
        campaigns_visible_to(user=user)
        .filter(status=Campaign.Status.ACTIVE)
        .alias(unit_path=Value(unit.path))
        .filter(unit_path__startswith=F("scope__path"))
        .order_by("-start_date", "-pk")
    )
