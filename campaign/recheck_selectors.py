"""Reads for re-checks (整改回头看): scoping, the summary phase, the draw and the relapses.

A re-check is visible to whoever sees at least one of its items (campaign.selectors
.items_visible_to); its entries are shown only for the items the reader sees. Relapse
figures (反弹) are counted here for the overview, the circular draft and scoring alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import MD5, Cast, Concat, TruncDate

from campaign.models import (
    SUMMARY_PHASE_MARK,
    Campaign,
    Phase,
    Recheck,
    RecheckEntry,
    RectificationItem,
)
from campaign.selectors import items_visible_to, relapses
from units.models import Unit
from units.selectors import OVERSEE, unit_scope_q
from units.types import AnyUser

Entry = RecheckEntry.Status


def is_summary_phase(phase: Phase) -> bool:
    return SUMMARY_PHASE_MARK in phase.name


def summary_phase_of(phases: Iterable[Phase], today: datetime.date) -> Phase | None:
    """The summary phase (总结阶段) among already loaded phases, if `today` lies in it."""
    for phase in phases:
        if is_summary_phase(phase) and phase.start_date <= today <= phase.end_date:
            return phase
    return None


def summary_phase(*, campaign: Campaign, today: datetime.date) -> Phase | None:
    """The campaign's summary phase when `today` lies in it (one query)."""
    return (
        campaign.phases.filter(
            name__contains=SUMMARY_PHASE_MARK, start_date__lte=today, end_date__gte=today
        )
        .order_by("order")
        .first()
    )


def recheck_entries_visible_to(*, user: AnyUser) -> QuerySet[RecheckEntry]:
    """Entries whose item the user sees (individual-level items only to insiders)."""
    return RecheckEntry.objects.filter(item__in=items_visible_to(user=user))


def rechecks_visible_to(*, user: AnyUser) -> QuerySet[Recheck]:
    """Re-checks with at least one item the user sees."""
    seen = recheck_entries_visible_to(user=user).filter(recheck=OuterRef("pk"))
    return Recheck.objects.filter(Exists(seen))


def rechecks_of_campaign(*, user: AnyUser, campaign: Campaign) -> QuerySet[Recheck]:
    """The campaign's re-checks with their counts over the entries the user sees (one query)."""
    seen = Q(entries__item__in=items_visible_to(user=user))
    return (
        rechecks_visible_to(user=user)
        .filter(campaign=campaign)
        .select_related("opened_by")
        .annotate(
            entry_count=Count("entries", filter=seen),
            pending_count=Count("entries", filter=seen & Q(entries__status=Entry.PENDING)),
            confirmed_count=Count("entries", filter=seen & Q(entries__status=Entry.CONFIRMED)),
            relapsed_count=Count("entries", filter=seen & Q(entries__status=Entry.RELAPSED)),
        )
        .order_by("-opened_at", "-pk")
    )


def recheck_entries(*, user: AnyUser, recheck: Recheck) -> QuerySet[RecheckEntry]:
    """A re-check's entries the user sees, with their items and units, by unit."""
    return (
        recheck_entries_visible_to(user=user)
        .filter(recheck=recheck)
        .select_related("item", "item__unit", "decided_by")
        .order_by("item__unit__path", "item__pk")
    )


def overseen_unit_ids(*, user: AnyUser, unit_ids: Iterable[int]) -> set[int]:
    """Which of these units the user oversees (one query): who may decide which entries."""
    ids = set(unit_ids)
    if not ids:
        return set()
    return set(
        Unit.objects.filter(unit_scope_q(user=user, codename=OVERSEE), pk__in=ids).values_list(
            "pk", flat=True
        )
    )


def recheck_population(
    *, user: AnyUser, campaign: Campaign, units: Iterable[Unit] | None = None
) -> QuerySet[RectificationItem]:
    """Closed items of the campaign in the user's jurisdiction (of `units` if given) that no
    unfinished re-check holds already."""
    pending = RecheckEntry.objects.filter(item=OuterRef("pk"), status=Entry.PENDING)
    qs = RectificationItem.objects.filter(
        unit_scope_q(user=user, codename=OVERSEE, prefix="unit__"),
        campaign=campaign,
        status=RectificationItem.Status.CLOSED,
    ).exclude(Exists(pending))
    if units is not None:
        qs = qs.filter(unit__in=[unit.pk for unit in units])
    return qs


def draw_sample(*, population: QuerySet[RectificationItem], seed: str, size: int) -> list[int]:
    """The sample's item ids: ORDER BY md5(seed || id), the first `size` (in the database, so
    the same seed over the same items draws the same ones, whatever the table's size)."""
    return list(
        population.annotate(draw=MD5(Concat(Value(seed), Cast("pk", output_field=CharField()))))
        .order_by("draw", "pk")
        .values_list("pk", flat=True)[:size]
    )


# --- Relapses (反弹): the overview, the circular draft and scoring count the same rows --------


def relapsed_entries(*, campaign: Campaign) -> QuerySet[RecheckEntry]:
    """The campaign's relapses with their items and units, by unit (the circular draft)."""
    return (
        relapses()
        .filter(item__campaign=campaign)
        .select_related("item", "item__unit")
        .order_by("item__unit__path", "decided_at", "pk")
    )


def relapses_of_year(*, year: int) -> QuerySet[RecheckEntry]:
    """整改事项反弹 found in `year` (by the re-check's date), annotated `x_day`: scoring."""
    return (
        relapses()
        .annotate(x_day=TruncDate("decided_at"))
        .filter(x_day__gte=datetime.date(year, 1, 1), x_day__lte=datetime.date(year, 12, 31))
        .order_by()
    )
