"""Reads for service commitments and leaders' reception days (complaints.models_service)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from complaints.models import Complaint, ReceptionDay, ServiceCommitment
from complaints.selectors import SUBSTANTIATED, breached_q
from units.models import Unit
from units.selectors import OVERSEE, VIEW, unit_scope_q
from units.types import AnyUser


def commitments_visible_to(*, user: AnyUser) -> QuerySet[ServiceCommitment]:
    """Every commitment of the units the user sees: a unit head's own, an officer's
    jurisdiction, a leader's county (drafts and withdrawn ones included)."""
    return ServiceCommitment.objects.filter(unit_scope_q(user=user, prefix="unit__", codename=VIEW))


def commitment_list(
    *, user: AnyUser, unit: Unit | None = None, search: str = ""
) -> QuerySet[ServiceCommitment]:
    qs = commitments_visible_to(user=user).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if search:
        qs = qs.filter(Q(service__icontains=search) | Q(window__icontains=search))
    # 违诺 per commitment: complaints.selectors.breached_q across the relation.
    breaches = Q(complaints__verdict__in=SUBSTANTIATED) & ~Q(
        complaints__status=Complaint.Status.MERGED
    )
    return qs.annotate(breach_count=Count("complaints", filter=breaches)).order_by(
        "unit__path", "window", "service", "pk"
    )


def commitment_breach_count(*, commitment: ServiceCommitment) -> int:
    """违诺 of one commitment (complaints.selectors.breached_q), merged duplicates left out."""
    return (
        commitment.complaints.filter(breached_q()).exclude(status=Complaint.Status.MERGED).count()
    )


def public_commitments(
    *, unit: Unit | None = None, search: str = ""
) -> QuerySet[ServiceCommitment]:
    """The public page: published commitments, unit by unit (the unit and its subtree when
    one is chosen), searched in the service, the window, the promise and the unit's name."""
    qs = ServiceCommitment.objects.published().select_related("unit")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if search:
        qs = qs.filter(
            Q(service__icontains=search)
            | Q(window__icontains=search)
            | Q(promise__icontains=search)
            | Q(unit__name__icontains=search)
        )
    return qs.order_by("unit__path", "window", "service", "pk")


def published_commitments_of(*, unit_id: int | None) -> QuerySet[ServiceCommitment]:
    """What a complainant may name for the unit complained about (nothing without a unit)."""
    if not unit_id:
        return ServiceCommitment.objects.none()
    return (
        ServiceCommitment.objects.published()
        .filter(unit_id=unit_id)
        .order_by("window", "service", "pk")
    )


def reception_days_visible_to(*, user: AnyUser) -> QuerySet[ReceptionDay]:
    """Officers' schedule: the days hosted in their jurisdiction (the county's own days,
    with no host unit, for those overseeing the whole county)."""
    return ReceptionDay.objects.filter(unit_scope_q(user=user, prefix="unit__", codename=OVERSEE))


def reception_day_list(*, user: AnyUser) -> QuerySet[ReceptionDay]:
    return (
        reception_days_visible_to(user=user)
        .select_related("unit")
        .annotate(visit_count=Count("visits"))
        .order_by("-date", "-starts_at", "-pk")
    )


def upcoming_reception_days(*, today: datetime.date | None = None) -> QuerySet[ReceptionDay]:
    """The public page: reception days from today on, soonest first."""
    today = today or timezone.localdate()
    return (
        ReceptionDay.objects.filter(date__gte=today)
        .select_related("unit")
        .order_by("date", "starts_at", "pk")
    )


def reception_visits(*, day: ReceptionDay) -> QuerySet[Complaint]:
    """The visits received on a day (the complaints registered from it), never who came."""
    return (
        Complaint.objects.filter(reception_day=day)
        .select_related("unit", "subject_unit", "category")
        .order_by("received_at", "pk")
    )
