"""Reads and scoping for campaigns, rectification items, inspections and circulars.

Every list, figure and export goes through one `*_visible_to(user)` per model. Figures are
computed in the database (conditional aggregates), never in Python loops over rows.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign import figures_db
from campaign.models import (
    AccountabilityAction,
    Campaign,
    Circular,
    Deliverable,
    ExtensionRequest,
    Finding,
    Inspection,
    RecheckEntry,
    RectificationFigure,
    RectificationItem,
    Reminder,
    Submission,
)
from units.models import Responsibility, Unit
from units.rates import percent
from units.selectors import ACT, OVERSEE, VIEW, unit_scope_q
from units.types import AnyUser
from units.workdays import light_case, local_days_q

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
    seen = unit_scope_q(user=user, codename=VIEW, prefix="unit__")
    acts = unit_scope_q(user=user, codename=ACT, prefix="unit__")
    oversees = unit_scope_q(user=user, codename=OVERSEE, prefix="unit__")
    qs = RectificationItem.objects.filter(seen)
    if seen in (acts, oversees):
        # Every unit they see is one they act for or oversee: the level test would pass on
        # every row, and only costs a visit to each row (a count of a province's campaign
        # reads an index alone without it: 153 → 30 ms).
        return qs
    insiders = _any_of(acts, oversees)
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


# Filed and not closed: every status but these two (positively, for the status index).
FILED_OPEN = [value for value in Status.values if value not in (Status.DRAFT, Status.CLOSED)]

# An item's deadline light is on while it is open and has a hard deadline.
LIGHT_ON = ~Q(status=Status.CLOSED) & Q(long_term=False)


def item_light(*, today: datetime.date) -> Case:
    """红灯 / 黄灯 for items, in SQL (units.workdays.light_case; the light tag of units/templatetags/deadline_lights.py shows it)."""
    return light_case(today=today, active=LIGHT_ON)


LEDGER_FILTERS = (
    "status",
    "list_kind",
    "level",
    "source",
    "light",
    "unit",
    "q",
    "category",
    "deadline_from",
    "deadline_to",
    "filed_from",
    "filed_to",
    "closed_from",
    "closed_to",
)


# What a ledger row shows (templatetags/ledger_rows.py): a printed page builds a thousand
# items, and the rest of an item's columns (and its unit's and category's) only cost time.
LEDGER_ROW_FIELDS = (
    "unit__name",
    "list_kind",
    "level",
    "problem",
    "category__name",
    "category__name_en",
    "measures",
    "responsible_person",
    "long_term",
    "deadline",
    "status",
)


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
    status = filters.get("status")
    if status == "filed":
        qs = qs.filter(item_counted_q())
    elif status == "open":
        qs = qs.filter(item_counted_q() & ~item_closed_q())
    elif status:
        qs = qs.filter(status=status)
    if filters.get("level") == "collective":
        qs = qs.exclude(level=RectificationItem.Level.INDIVIDUAL)
    elif filters.get("level"):
        qs = qs.filter(level=filters["level"])
    for name in ("list_kind", "source"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("category"):
        qs = qs.filter(Q(category=filters["category"]) | Q(category__parent=filters["category"]))
    for name, lookup in (("deadline_from", "deadline__gte"), ("deadline_to", "deadline__lte")):
        if filters.get(name):
            qs = qs.filter(**{lookup: filters[name]})
    for name, field in (("filed", "created_at"), ("closed", "closed_at")):
        # Local days, as ranges of the instants (an index on the field serves them).
        qs = qs.filter(
            local_days_q(
                field,
                since=filters.get(f"{name}_from") or None,
                until=filters.get(f"{name}_to") or None,
            )
        )
    if filters.get("unit"):
        qs = qs.filter(unit__path__startswith=filters["unit"].path)
    if filters.get("light"):
        qs = qs.filter(light=filters["light"])  # type: ignore[misc]
    if filters.get("q"):
        text = filters["q"]
        qs = qs.filter(
            Q(problem__icontains=text)
            | Q(measures__icontains=text)
            | Q(responsible_person__icontains=text)
            | Q(responsible_leader__icontains=text)
        )
    return qs.order_by("unit__path", "deadline", "pk")


# --- Rectification figures (docs/FIGURES.md defines each one; scoring counts the same rows) --
# Each condition takes a `prefix` so that the same definition filters items directly
# (prefix "") or counts them per unit across the relation ("rectification_items__").


def _q(prefix: str, **lookups: Any) -> Q:
    return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})


def item_counted_q(prefix: str = "") -> Q:
    """Filed items: everything but drafts (a draft is the unit's scratch pad)."""
    return ~_q(prefix, status=Status.DRAFT)


def item_closed_q(prefix: str = "") -> Q:
    """已销号: closed after verification."""
    return _q(prefix, status=Status.CLOSED)


def item_closed_on_time_q(prefix: str = "") -> Q:
    """按期销号: closed on or before the deadline (a long-term item has no hard deadline)."""
    return item_closed_q(prefix) & (
        _q(prefix, long_term=True) | _q(prefix, closed_at__date__lte=F(f"{prefix}deadline"))
    )


def item_overdue_q(as_of: datetime.date, prefix: str = "") -> Q:
    """逾期未销号: filed, not closed, not long-term, deadline before `as_of`."""
    return (
        item_counted_q(prefix)
        & ~item_closed_q(prefix)
        & _q(prefix, long_term=False, deadline__lt=as_of)
    )


def item_late_q(as_of: datetime.date, prefix: str = "") -> Q:
    """整改逾期 (what scoring deducts for): filed, not long-term, deadline before `as_of`, and
    not closed by it: still open, or closed after the deadline."""
    return (
        item_counted_q(prefix)
        & _q(prefix, long_term=False, deadline__lt=as_of)
        & (~item_closed_q(prefix) | _q(prefix, closed_at__date__gt=F(f"{prefix}deadline")))
    )


def item_counts(prefix: str, as_of: datetime.date, within: Q) -> dict[str, Count]:
    """The counts of docs/FIGURES.md, as aggregates over items (through `prefix`)."""
    pk = f"{prefix}pk" if prefix else "pk"
    counted = within & item_counted_q(prefix)
    return {
        "items": Count(pk, filter=counted),
        "closed": Count(pk, filter=counted & item_closed_q(prefix)),
        "closed_on_time": Count(pk, filter=counted & item_closed_on_time_q(prefix)),
        "overdue": Count(pk, filter=within & item_overdue_q(as_of, prefix)),
        "late": Count(pk, filter=within & item_late_q(as_of, prefix)),
        "long_term": Count(
            pk, filter=counted & ~item_closed_q(prefix) & _q(prefix, long_term=True)
        ),
    }


def item_rates(*, items: int, closed: int, closed_on_time: int, overdue: int) -> dict[str, Any]:
    """整改率 = closed ÷ filed; 按期整改率 = closed on time ÷ (closed + overdue)."""
    return {
        "closure_rate": percent(closed, items),
        "on_time_rate": percent(closed_on_time, closed + overdue),
    }


def relapses() -> QuerySet[RecheckEntry]:
    """整改事项反弹: re-checked items found relapsed (campaign.services.rechecks)."""
    return RecheckEntry.objects.filter(status=RecheckEntry.Status.RELAPSED)


def relapses_per_unit(*, campaign: Campaign) -> Coalesce:
    """For Unit rows: how many relapses of the campaign's items the unit has (0 if none)."""
    counted = (
        relapses()
        .filter(item__campaign=campaign, item__unit=OuterRef("pk"))
        .order_by()
        .values("item__unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), Value(0))


# Filed and not closed: the items 逾期未销号 can count (item_overdue_q without the deadline),
# as the partial index `item_open_campaign_deadline` lists them.
OPEN_FILED = [value for value in Status.values if value not in (Status.DRAFT, Status.CLOSED)]


def _rolled_up(today: datetime.date) -> bool:
    """The roll-up (campaign/figures_db.py) answers for today and later on PostgreSQL; an
    earlier day, or SQLite, counts the items."""
    return today >= timezone.localdate() and figures_db.enabled()


def _figure_units(*, user: AnyUser, campaign: Campaign, units: QuerySet[Unit] | None) -> Any:
    """The units the campaign page's table may list: active, under the campaign's scope."""
    scope_path = campaign.scope.path
    return (
        (Unit.objects.visible_to(user) if units is None else units)
        .filter(path__startswith=scope_path, status=Unit.Status.ACTIVE)
        .exclude(path=scope_path)
    )


def _overdue_items(*, campaign: Campaign, today: datetime.date) -> QuerySet[RectificationItem]:
    """逾期未销号 of the campaign (item_overdue_q), as the partial index lists them."""
    return RectificationItem.objects.filter(
        campaign=campaign, status__in=OPEN_FILED, long_term=False, deadline__lt=today
    )


def _with_rates(row: Any) -> Any:
    for name, value in item_rates(
        items=row.items,
        closed=row.closed,
        closed_on_time=row.closed_on_time,
        overdue=row.overdue,
    ).items():
        setattr(row, name, value)
    return row


def _rolled_up_units(
    *,
    user: AnyUser,
    campaign: Campaign,
    today: datetime.date,
    units: QuerySet[Unit] | None,
    limit: int | None,
) -> Any:
    """unit_figures' rows from the roll-up (campaign/figures_db.py), ranked in SQL.

    One statement: the roll-up summed per unit and the overdue items counted per unit (from
    the partial index), each aggregated once and joined (a correlated count per unit would
    run ten thousand times for a province), ranked, cut to `limit`; the relapses counted
    for the rows kept only. Raw SQL for the joins of two aggregates, which the ORM cannot
    express; the units allowed are the ORM's own scoped queryset, embedded."""
    allowed, allowed_params = (
        _figure_units(user=user, campaign=campaign, units=units)
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    open_filed = ", ".join(["%s"] * len(OPEN_FILED))
    order = "rank_rate DESC, overdue, rank_path"
    sql = f"""
WITH f AS (
  SELECT unit_id, sum(items) AS items, sum(closed) AS closed,
         sum(closed_on_time) AS closed_on_time, sum(closed_late) AS closed_late,
         sum(long_term) AS long_term
  FROM {RectificationFigure._meta.db_table} WHERE campaign_id = %s
  GROUP BY unit_id HAVING sum(items) > 0
), o AS (
  SELECT unit_id, count(*) AS overdue FROM {RectificationItem._meta.db_table}
  WHERE campaign_id = %s AND status IN ({open_filed}) AND NOT long_term AND deadline < %s
  GROUP BY unit_id
), ranked AS (
  -- Ranked on the figures and the path alone; the rows kept get their units' columns.
  SELECT f.unit_id, u.path AS rank_path, f.items, f.closed, f.closed_on_time, f.long_term,
         COALESCE(o.overdue, 0) AS overdue, f.closed_late + COALESCE(o.overdue, 0) AS late,
         -- 整改率 as units.rates.percent rounds it (half up, one decimal): the ranking.
         round(f.closed::numeric * 100 / f.items, 1) AS rank_rate,
         -- How many rows there are before the cut: a window, counted before the LIMIT.
         count(*) OVER () AS ranked_total
  FROM f JOIN {Unit._meta.db_table} u ON u.id = f.unit_id LEFT JOIN o ON o.unit_id = f.unit_id
  WHERE u.id IN ({allowed})
  ORDER BY {order}
  {"LIMIT %s" if limit is not None else ""}
)
SELECT u.*, ranked.items, ranked.closed, ranked.closed_on_time, ranked.long_term,
       ranked.overdue, ranked.late, ranked.rank_rate, ranked.ranked_total,
       (SELECT count(*) FROM {RecheckEntry._meta.db_table} r
          JOIN {RectificationItem._meta.db_table} i ON i.id = r.item_id
         WHERE r.status = %s AND i.campaign_id = %s AND i.unit_id = ranked.unit_id) AS relapsed
FROM ranked JOIN {Unit._meta.db_table} u ON u.id = ranked.unit_id ORDER BY {order}
"""  # noqa: S608 (table names and placeholders only)
    params = [
        campaign.pk,
        campaign.pk,
        *OPEN_FILED,
        today,
        *allowed_params,
        *([limit] if limit is not None else []),
        RecheckEntry.Status.RELAPSED,
        campaign.pk,
    ]
    return Unit.objects.raw(sql, params)


def unit_figures(
    *,
    user: AnyUser,
    campaign: Campaign,
    today: datetime.date | None = None,
    units: QuerySet[Unit] | None = None,
    limit: int | None = None,
) -> list[Unit]:
    """Per unit of the campaign's scope: items, closed, 整改率, 按期整改率, overdue, late,
    relapsed (反弹, found by a re-check); ranked by closure rate (the highest first), then
    the fewest overdue items, then the unit's place in the tree. `limit`: the first rows.

    `units`: the units a reader who is no person may read (an API client's subtree) in
    place of the user's.

    On PostgreSQL, as of today or later, one query on the roll-up (campaign/figures_db.py)
    whatever the number of items or units, 逾期未销号 counted from the open items past their
    deadline (an index); anything else counts the items (`unit_figures_live`, the
    definition the roll-up equals).
    """
    today = today or timezone.localdate()
    if not _rolled_up(today):
        rows = unit_figures_live(user=user, campaign=campaign, today=today, units=units)
        return rows if limit is None else rows[:limit]
    rows = _rolled_up_units(user=user, campaign=campaign, today=today, units=units, limit=limit)
    return [_with_rates(row) for row in rows]


def unit_figures_ranked(
    *,
    user: AnyUser,
    campaign: Campaign,
    limit: int,
    today: datetime.date | None = None,
) -> tuple[list[Unit], int]:
    """The first `limit` rows of unit_figures and how many rows it has in all. On the
    roll-up one query: the total is a window over the ranking, counted before the cut."""
    today = today or timezone.localdate()
    if not _rolled_up(today):
        rows = unit_figures_live(user=user, campaign=campaign, today=today)
        return rows[:limit], len(rows)
    kept = [
        _with_rates(row)
        for row in _rolled_up_units(
            user=user, campaign=campaign, today=today, units=None, limit=limit
        )
    ]
    return kept, (kept[0].ranked_total if kept else 0)


def unit_figures_live(
    *,
    user: AnyUser,
    campaign: Campaign,
    today: datetime.date | None = None,
    units: QuerySet[Unit] | None = None,
) -> list[Unit]:
    """unit_figures counted from the items themselves: one query, conditional counts
    grouped by unit (a province's half million items: most of a second)."""
    today = today or timezone.localdate()
    # Join only this campaign's items (the condition in the ON clause, an inner join: a unit
    # without any is dropped by `items > 0` anyway), not every campaign's, and count them.
    prefix = "campaign_items__"
    rows = list(
        _figure_units(user=user, campaign=campaign, units=units)
        .alias(
            campaign_items=FilteredRelation(
                "rectification_items", condition=Q(rectification_items__campaign=campaign)
            )
        )
        .filter(campaign_items__isnull=False)
        .annotate(**item_counts(prefix, today, Q()))
        .filter(items__gt=0)
        .annotate(relapsed=relapses_per_unit(campaign=campaign))
        .order_by("path")
    )
    for row in rows:
        _with_rates(row)
    rows.sort(
        key=lambda u: (
            u.closure_rate is None,  # type: ignore[attr-defined]
            -(u.closure_rate or 0),  # type: ignore[attr-defined]
            u.overdue,  # type: ignore[attr-defined]
        )
    )
    return rows


def campaign_totals(
    *, user: AnyUser, campaign: Campaign, today: datetime.date | None = None
) -> dict[str, Any]:
    """The same figures for the whole campaign (as far as the user sees): the roll-up's
    sums and the overdue items counted from their index (`campaign_totals_live` elsewhere),
    and one query for its relapses."""
    today = today or timezone.localdate()
    if not _rolled_up(today):
        return campaign_totals_live(user=user, campaign=campaign, today=today)
    within = unit_scope_q(user=user, prefix="unit__")
    totals = RectificationFigure.objects.filter(within, campaign=campaign).aggregate(
        items=Coalesce(Sum("items"), 0),
        closed=Coalesce(Sum("closed"), 0),
        closed_on_time=Coalesce(Sum("closed_on_time"), 0),
        closed_late=Coalesce(Sum("closed_late"), 0),
        long_term=Coalesce(Sum("long_term"), 0),
    )
    totals["overdue"] = _overdue_items(campaign=campaign, today=today).filter(within).count()
    totals["late"] = totals.pop("closed_late") + totals["overdue"]
    return _totals_rates(totals, campaign=campaign, within=within)


def campaign_totals_live(
    *, user: AnyUser, campaign: Campaign, today: datetime.date | None = None
) -> dict[str, Any]:
    """campaign_totals counted from the items: one query, and one for its relapses."""
    today = today or timezone.localdate()
    within = unit_scope_q(user=user, prefix="unit__")
    totals = RectificationItem.objects.filter(within, campaign=campaign).aggregate(
        **item_counts("", today, Q())
    )
    return _totals_rates(totals, campaign=campaign, within=within)


def _totals_rates(totals: dict[str, Any], *, campaign: Campaign, within: Q) -> dict[str, Any]:
    totals["relapsed"] = (
        relapses().filter(item__in=RectificationItem.objects.filter(within, campaign=campaign))
    ).count()
    totals.update(
        item_rates(
            items=totals["items"],
            closed=totals["closed"],
            closed_on_time=totals["closed_on_time"],
            overdue=totals["overdue"],
        )
    )
    return totals


def items_of_year(*, year: int) -> QuerySet[RectificationItem]:
    """Filed items of the year's campaigns: what scoring reads."""
    return RectificationItem.objects.filter(item_counted_q(), campaign__year=year)


def late_items(*, year: int, as_of: datetime.date) -> QuerySet[RectificationItem]:
    """Items of `year` not closed by their deadline, the deadline before `as_of` (整改事项逾期)."""
    return items_of_year(year=year).filter(item_late_q(as_of))


def items_unclosed_at_year_end(*, year: int, as_of: datetime.date) -> QuerySet[RectificationItem]:
    """整改事项年底未销号: items of `year` due within it (not long-term) and not closed by 31
    December. Nothing until the year is over (`as_of` after 31 December): before that, the
    year-end deadline has not passed."""
    end = datetime.date(year, 12, 31)
    if as_of <= end:
        return RectificationItem.objects.none()
    return (
        items_of_year(year=year)
        .filter(long_term=False, deadline__lte=end)
        .filter(~item_closed_q() | Q(closed_at__date__gt=end))
    )


def status_counts(*, items: QuerySet[RectificationItem]) -> dict[str, int]:
    return dict(items.order_by().values_list("status").annotate(n=Count("pk")))  # type: ignore[arg-type]


# How many rows of each list the review queue shows (its badge counts them all): the queue
# is worked from the top, and a province's 5 000 submitted items drawn in full, or 500 of
# them under a badge saying 500, helped nobody and cost 250 ms.
REVIEW_QUEUE_ROWS = 100


def review_queue(*, user: AnyUser) -> dict[str, Any]:
    """What waits for inspection staff: submitted lists, closure requests, extension requests,
    the first REVIEW_QUEUE_ROWS of each with the exact count of each (5 queries)."""
    overseen = items_overseen_by(user=user)
    shown = overseen.select_related("unit").only("problem", "deadline", "unit__name")
    counts = overseen.filter(status__in=[Status.SUBMITTED, Status.CLOSURE_REQUESTED]).aggregate(
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
        closure_requested=Count("pk", filter=Q(status=Status.CLOSURE_REQUESTED)),
    )
    extensions = ExtensionRequest.objects.filter(
        unit_scope_q(user=user, codename=OVERSEE, prefix="item__unit__"),
        status=ExtensionRequest.Status.PENDING,
    )
    return {
        "rows_shown": REVIEW_QUEUE_ROWS,
        "submitted": list(
            shown.filter(status=Status.SUBMITTED).order_by("unit__path", "pk")[:REVIEW_QUEUE_ROWS]
        ),
        "submitted_count": counts["submitted"],
        "closure_requested": list(
            shown.filter(status=Status.CLOSURE_REQUESTED).order_by("deadline", "pk")[
                :REVIEW_QUEUE_ROWS
            ]
        ),
        "closure_requested_count": counts["closure_requested"],
        "extensions": list(
            extensions.select_related("item", "item__unit")
            .only(
                "old_deadline",
                "requested_deadline",
                "reason",
                "item__problem",
                "item__unit__name",
            )
            .order_by("created_at")[:REVIEW_QUEUE_ROWS]
        ),
        "extensions_count": extensions.count(),
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
        # The same rows, said positively, so that the (status, deadline) index finds them
        # instead of a scan of every item ever filed.
        .filter(status__in=FILED_OPEN, deadline__lt=today)
        .select_related("unit", "campaign", "category")
        .order_by("deadline", "unit__path", "pk")
    )


def deliverables_for_unit(*, campaign: Campaign, unit: Unit) -> list[Deliverable]:
    """The campaign's deliverables with this unit's submission attached (2 queries)."""
    return deliverables_for_units(campaign=campaign, units=[unit])[0][1]


def deliverables_for_units(
    *, campaign: Campaign, units: list[Unit]
) -> list[tuple[Unit, list[Deliverable]]]:
    """Per unit, the campaign's deliverables with that unit's submission attached as
    `my_submission`: 2 queries, whatever the number of units (a province head hands in for
    every city)."""
    deliverables = list(campaign.deliverables.select_related("phase").order_by("due_date", "pk"))
    submissions = {
        (s.unit_id, s.deliverable_id): s
        for s in Submission.objects.filter(
            deliverable__campaign=campaign, unit__in=[unit.pk for unit in units]
        ).order_by()
    }
    rows = []
    for unit in units:
        mine = []
        for deliverable in deliverables:
            row = copy.copy(deliverable)
            submission = submissions.get((unit.pk, deliverable.pk))
            if submission is not None:
                submission.deliverable = deliverable  # `is_late` reads its due date
            row.my_submission = submission  # type: ignore[attr-defined]
            mine.append(row)
        rows.append((unit, mine))
    return rows


def submissions_visible_to(*, user: AnyUser) -> QuerySet[Submission]:
    return Submission.objects.filter(unit_scope_q(user=user, prefix="unit__"))


# --- Deliverable figures (docs/FIGURES.md): who must hand in, who is late, who is missing --

# 报送 counts once handed in and not returned: a returned material must be handed in again.
HANDED_IN = (Submission.Status.SUBMITTED, Submission.Status.ACCEPTED)


def required_units_q(*, campaign: Campaign, prefix: str = "") -> Q:
    """The units a campaign's deliverables are required of: the active units directly under
    its scope (the units that hand in, as the deliverables page lists them)."""
    scope = campaign.scope
    return _q(prefix, path__startswith=scope.path, depth=scope.depth + 1, status=Unit.Status.ACTIVE)


def required_units(*, campaign: Campaign) -> QuerySet[Unit]:
    return Unit.objects.filter(required_units_q(campaign=campaign))


def submission_late_q(prefix: str = "", due_date: F | None = None) -> Q:
    """迟报: handed in (submitted or accepted) on a day after the due date. `due_date`: where
    the query stands on the deliverable already, its own column (no join back to it)."""
    due = due_date if due_date is not None else F(f"{prefix}deliverable__due_date")
    return _q(prefix, status__in=HANDED_IN) & _q(prefix, submitted_at__date__gt=due)


def _is_due(deliverable: Deliverable, as_of: datetime.date) -> bool:
    """A deliverable can be missing once its due date has passed, in a campaign launched."""
    return deliverable.due_date < as_of and deliverable.campaign.status != Campaign.Status.DRAFT


def missing_units(
    *, deliverable: Deliverable, as_of: datetime.date | None = None
) -> QuerySet[Unit]:
    """未报: required units with nothing handed in when the due date has passed before `as_of`."""
    as_of = as_of or timezone.localdate()
    if not _is_due(deliverable, as_of):
        return Unit.objects.none()
    handed_in = Submission.objects.filter(
        deliverable=deliverable, unit=OuterRef("pk"), status__in=HANDED_IN
    )
    return required_units(campaign=deliverable.campaign).exclude(Exists(handed_in))


def due_deliverables(*, year: int, as_of: datetime.date) -> QuerySet[Deliverable]:
    """The deliverables of `year`'s launched campaigns whose due date passed before `as_of`."""
    return (
        Deliverable.objects.filter(campaign__year=year, due_date__lt=as_of)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .select_related("campaign__scope")
        .order_by("due_date", "pk")
    )


def late_submissions(*, year: int, as_of: datetime.date) -> QuerySet[Submission]:
    """迟报 of `year`'s launched campaigns, of deliverables due before `as_of`."""
    return Submission.objects.filter(
        submission_late_q(),
        deliverable__in=due_deliverables(year=year, as_of=as_of).values("pk"),
    )


def deliverable_status(
    *, user: AnyUser, deliverable: Deliverable, today: datetime.date | None = None
) -> QuerySet[Unit]:
    """Required units (as far as the user sees) with their submission, `late` and `missing`
    (docs/FIGURES.md), in one query."""
    today = today or timezone.localdate()
    campaign = deliverable.campaign
    submission = Submission.objects.filter(deliverable=deliverable, unit=OuterRef("pk"))
    due = _is_due(deliverable, today)
    return (
        Unit.objects.visible_to(user)
        .filter(required_units_q(campaign=campaign))
        .annotate(
            submission_status=submission.values("status")[:1],
            submission_id=submission.values("pk")[:1],
            submitted_at=submission.values("submitted_at")[:1],
            submission_text=submission.values("text")[:1],
            submission_attachment=submission.values("attachment")[:1],
            return_reason=submission.values("return_reason")[:1],
            late=Exists(submission.filter(submission_late_q())),
            missing=(
                ~Exists(submission.filter(status__in=HANDED_IN))
                if due
                else Value(False, output_field=BooleanField())
            ),
        )
        .order_by("path")
    )


def deliverable_counts(
    *, campaign: Campaign, today: datetime.date | None = None
) -> QuerySet[Deliverable]:
    """Per deliverable: submitted, accepted, returned, late (迟报), handed in by the required
    units and missing (未报) — counted in SQL, the definitions of docs/FIGURES.md."""
    today = today or timezone.localdate()
    # The required units' ids (the units directly under the scope: a score or so), read
    # once and written into the query, not a join of every submission to the units table
    # nor a subquery evaluated per count: a province's deliverables have thousands each.
    required_ids = list(required_units(campaign=campaign).values_list("pk", flat=True))
    required = len(required_ids)
    handed_in = Q(submissions__status__in=HANDED_IN, submissions__unit__in=required_ids)
    launched = campaign.status != Campaign.Status.DRAFT
    return campaign.deliverables.annotate(
        submitted_count=Count("submissions"),
        accepted_count=Count(
            "submissions", filter=Q(submissions__status=Submission.Status.ACCEPTED)
        ),
        returned_count=Count(
            "submissions", filter=Q(submissions__status=Submission.Status.RETURNED)
        ),
        late_count=Count(
            "submissions", filter=submission_late_q("submissions__", due_date=F("due_date"))
        ),
        required_count=Value(required),
        handed_in_count=Count("submissions", filter=handed_in),
        missing_count=Case(
            When(
                due_date__lt=today,
                then=Value(required if launched else 0)
                - Count("submissions", filter=handed_in if launched else Q(pk__in=[])),
            ),
            default=Value(0),
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


def finding_count() -> Coalesce:
    """An inspection's findings (all of them) as a correlated count, for annotating a page."""
    counted = (
        Finding.objects.filter(inspection=OuterRef("pk"))
        .order_by()
        .values("inspection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


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


def reminders_for(*, subject: Any) -> QuerySet[Reminder]:
    """督办 / 催办 / 催报 sent about one item, complaint or deliverable, newest first."""
    return Reminder.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("unit", "sent_by")


BOARD_ORDER = ("row_deadline", "row_kind", "row_id")  # most overdue first; (kind, id) is unique


def board_rows(*, parts: list[QuerySet[Any]]) -> QuerySet[Any]:
    """The 督办 board: every app's overdue rows (units.extensions.OVERDUE_COLUMNS) as one
    list, most overdue first (one UNION ALL)."""
    if not parts:
        return RectificationItem.objects.none().values("pk")
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by(*BOARD_ORDER)


def board_keys(*, parts: list[QuerySet[Any]]) -> QuerySet[Any]:
    """The board's rows as their order's columns alone: what its count and its page's
    OFFSET read. No names, paths or 督办 lookups: those are read for one page's rows only
    (board_page_rows), not for every overdue row of a province, twice."""
    return board_rows(parts=[part.values(*BOARD_ORDER) for part in parts])


# One page of the board's keys and its total in one statement. The union is read once (a
# CTE referenced more than once is materialized, on PostgreSQL and SQLite alike): counted,
# then sorted for the page, a page past the middle from the list's end (the other branch's
# LIMIT is 0, so its sort never runs). The offset is clamped to the last page in SQL, so a
# page past the end costs no second statement.
_BOARD_PAGE_SQL = """
WITH board AS ({union}),
total AS (
    SELECT n, CASE WHEN %s < last THEN %s ELSE last END AS off
    FROM (
        SELECT COUNT(*) AS n,
               CASE WHEN COUNT(*) > 0 THEN (COUNT(*) - 1) / %s * %s ELSE 0 END AS last
        FROM board
    ) counted
),
size AS (SELECT CASE WHEN n - off < %s THEN n - off ELSE %s END AS k FROM total)
SELECT total.n, total.off, page.row_kind, page.row_id
FROM total LEFT JOIN (
    SELECT * FROM (
        SELECT row_deadline, row_kind, row_id FROM board
        ORDER BY row_deadline, row_kind, row_id
        LIMIT (SELECT CASE WHEN 2 * off <= n THEN %s ELSE 0 END FROM total)
        OFFSET (SELECT off FROM total)
    ) forward
    UNION ALL
    SELECT * FROM (
        SELECT row_deadline, row_kind, row_id FROM board
        ORDER BY row_deadline DESC, row_kind DESC, row_id DESC
        LIMIT (SELECT CASE WHEN 2 * off > n THEN k ELSE 0 END FROM total, size)
        OFFSET (SELECT n - off - k FROM total, size)
    ) backward
) page ON 1 = 1
ORDER BY page.row_deadline, page.row_kind, page.row_id
"""


def board_keys_page(
    *, parts: list[QuerySet[Any]], offset: int, per_page: int
) -> tuple[int, int, list[tuple[str, int]]]:
    """(total, offset, keys): the board's row count and the (kind, id) keys of the page
    starting at `offset` (the last page's when past the end), in the board's order, from
    one statement: the union of every source is planned and read once, not once to count
    and again to page (the two cost the same: each reads every overdue row in reach)."""
    keys = board_keys(parts=parts).order_by()
    try:
        union, params = keys.query.get_compiler(using=keys.db).as_sql()
    except EmptyResultSet:  # no source, or none that can hold a row
        return 0, 0, []
    sql = _BOARD_PAGE_SQL.format(union=union)
    params = (*params, offset, offset, per_page, per_page, per_page, per_page, per_page)
    with connections[keys.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total, first = rows[0][0], rows[0][1]
    return total, first, [(kind, pk) for _, _, kind, pk in rows if kind is not None]


def board_page_rows(
    *, parts: dict[str, QuerySet[Any]], keys: list[tuple[str, int]]
) -> list[dict[str, Any]]:
    """Whole rows for one page's (kind, id) keys, in the keys' order: one query."""
    chosen = [
        part.filter(row_id__in=[pk for key_kind, pk in keys if key_kind == kind])
        for kind, part in parts.items()
        if any(key_kind == kind for key_kind, _ in keys)
    ]
    if not chosen:
        return []
    rows = chosen[0].union(*chosen[1:], all=True) if len(chosen) > 1 else chosen[0]
    found = {(row["row_kind"], row["row_id"]): row for row in rows}
    return [found[key] for key in keys if key in found]
