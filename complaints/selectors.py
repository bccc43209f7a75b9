"""Reads for complaints: scoping, queues, the ledger and the figures (all in the database)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from typing import Any, overload

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db.models import Count, DateField, F, Func, Q, QuerySet, Sum, TextField, Value
from django.db.models.functions import Coalesce, Length, TruncMonth
from django.utils import timezone

from campaign.models import AccountabilityAction, Campaign, RectificationItem
from campaign.selectors import accountability_visible_to, campaigns_visible_to, items_visible_to
from complaints import figures_db
from complaints.models import (
    Complaint,
    ComplaintCategory,
    ComplaintFigure,
    DispatchRule,
    ExtensionRequest,
    IdentityRequest,
    IdentityReveal,
    clock_running_q,
)
from complaints.tracking import TRACKING_CODE_LENGTH, tracking_code_normalise, tracking_hash
from units.models import Responsibility, Unit
from units.rates import percent
from units.search_db import QueryGrams, pairs_narrowed
from units.selectors import ACT, OVERSEE, unit_scope_q, user_sees_all_units
from units.types import AnyUser
from units.workdays import due_soon_cutoff, light_case

_NOTHING = Q(pk__in=[])
# Decides on requests to see a complainant's identity (complaints.permissions.CUSTODIANS).
APPROVE_IDENTITY = "complaints.approve_identity_request"


def complaint_scope_q(
    *,
    user: AnyUser,
    unit: str = "unit",
    subject_unit: str = "subject_unit",
    routed: bool | None = None,
) -> Q:
    """The one scoping rule for complaints, derived from the unit jurisdiction alone.

    No complaint permission widens it: whoever sees every unit sees every complaint, anyone
    else only the complaints of units in their scope (`complaints.view_all_complaints` is an
    ability to read complaints, not a jurisdiction).

    `unit`, `subject_unit`: the fields holding the case's handling unit and the unit
    complained about (the figures' roll-up filters its scoped rows with the same rule).
    `routed`: the same rule for the cases a unit handles only (True) or for those none
    handles yet only (False): each half a plain condition an index can serve.
    """
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    units_seen = unit_scope_q(user=user, prefix=f"{unit}__")
    if units_seen == Q():  # what units.selectors.user_sees_all_units tests, without a query
        return Q() if routed is None else Q(**{f"{unit}__isnull": not routed})
    handles = user.has_perm("complaints.handle_complaint")  # type: ignore[union-attr]
    if routed is False:
        if not handles:
            return _NOTHING
        return Q(**{f"{unit}__isnull": True}) & unit_scope_q(
            user=user, codename=OVERSEE, prefix=f"{subject_unit}__"
        )
    if routed:
        if handles:
            units_seen = units_seen | unit_scope_q(user=user, codename=OVERSEE, prefix=f"{unit}__")
        return Q(**{f"{unit}__isnull": False}) & units_seen
    q = _NOTHING
    if handles:
        # Intake not yet routed belongs to the staff whose jurisdiction holds the unit
        # complained about (intake naming no unit is the county's: see-all staff only).
        unrouted = Q(**{f"{unit}__isnull": True}) & unit_scope_q(
            user=user, codename=OVERSEE, prefix=f"{subject_unit}__"
        )
        q = unrouted | unit_scope_q(user=user, codename=OVERSEE, prefix=f"{unit}__")
    # Units (and their leaders in charge) see what is assigned to them, never the rest.
    return q | Q(**{f"{unit}__isnull": False}) & units_seen


def complaints_visible_to(*, user: AnyUser) -> QuerySet[Complaint]:
    return Complaint.objects.filter(complaint_scope_q(user=user))


def with_light(qs: QuerySet[Complaint], today: datetime.date | None = None) -> QuerySet[Complaint]:
    """Annotate `light_value` (the light tag, units/templatetags/deadline_lights.py): the deadline runs while a unit handles
    the case and its clock is not paused."""
    return qs.annotate(
        light_value=light_case(
            today=today or timezone.localdate(),
            active=clock_running_q(),
        )
    )


def public_case(*, tracking_code: str) -> Complaint | None:
    """The case a tracking code names, with only what its public status page shows.

    The code is hashed and found by the unique index on the hash (an equality on a keyed
    hash tells a guesser nothing about how close the guess was). A merged case is found by
    its own code and shows the surviving case's number."""
    code = tracking_code_normalise(tracking_code)
    if len(code) != TRACKING_CODE_LENGTH:
        return None
    return (
        Complaint.objects.select_related("merged_into")
        .filter(tracking_hash=tracking_hash(code))
        .only(
            "number",
            "tracking_hash",
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
            "rating_review",
            "merged_into__number",
        )
        .first()
    )


def complaint_list(
    *, user: AnyUser, status: str = "", search: str = "", unit_id: int | None = None
) -> QuerySet[Complaint]:
    qs = with_light(complaints_visible_to(user=user).select_related("category", "unit"))
    if status == "open":
        qs = qs.filter(status__in=Complaint.OPEN_STATUSES)  # as the open cases' index says
    elif status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(title__icontains=search))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs


class _Grams(Func):
    """A case's character pairs (complaints.figures_db: what the search index holds)."""

    function = "zf_complaint_grams"
    output_field = ArrayField(TextField())


class _OpenGrams(Func):
    """An open case's pairs, as the board's index holds them (figures_db.OPEN_SEARCH_SQL)."""

    function = "zf_open_complaint_grams"
    output_field = ArrayField(TextField())


def board_search(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    """The 督办 board's open cases whose number or subject contains `text` (any case);
    through the open cases' pairs index on PostgreSQL. `rows` may be a values() queryset
    of complaints, all of them open (the index holds open cases only)."""
    rows = pairs_narrowed(rows, _OpenGrams("number", "title", "content", "subject_person"), text)
    return rows.filter(Q(number__icontains=text) | Q(title__icontains=text))


def text_search(
    qs: QuerySet[Complaint], text: str, *, also: Q | None = None
) -> QuerySet[Complaint]:
    """Cases whose number, subject, details or person complained about contain `text`
    (any case), or that match `also`; through the pairs index on PostgreSQL."""
    q = (
        Q(number__icontains=text)
        | Q(title__icontains=text)
        | Q(content__icontains=text)
        | Q(subject_person__icontains=text)
    )
    if figures_db.enabled() and len(text) >= 2:
        qs = qs.alias(search_grams=_Grams("number", "title", "content", "subject_person"))
        q = Q(search_grams__contains=QueryGrams(Value(text))) & q
    return qs.filter(q | also if also is not None else q)


# What waits for staff: intake to accept or reject, cases to route, answers to review.
TRIAGE_STATUSES = (
    Complaint.Status.REGISTERED,
    Complaint.Status.ACCEPTED,
    Complaint.Status.REROUTE_REQUESTED,
    Complaint.Status.ANSWERED,
)


def triage_queue(*, user: AnyUser) -> QuerySet[Complaint]:
    """New intake to accept or reject, and accepted cases waiting for a unit; newest first."""
    return (
        complaints_visible_to(user=user)
        .filter(status__in=TRIAGE_STATUSES)
        .select_related("category", "unit", "subject_unit")
        .order_by("-received_at", "-pk")
    )


def unit_cases(*, user: AnyUser) -> QuerySet[Complaint]:
    """Every complaint routed to units the user acts for (open or closed), with its light."""
    return with_light(
        Complaint.objects.filter(unit_scope_q(user=user, codename=ACT, prefix="unit__"))
        .filter(unit__isnull=False)
        .select_related("category", "unit")
        .order_by("deadline", "pk")
    )


def unit_workspace(*, user: AnyUser) -> QuerySet[Complaint]:
    """Open complaints routed to units the user acts for, the most urgent first."""
    return unit_cases(user=user).exclude(status__in=Complaint.FINAL_STATUSES)


def catalogue_rule_for(
    *, category: ComplaintCategory | None, subject_unit: Unit | None
) -> DispatchRule | None:
    """派单目录: the entry in force for the category whose area holds the unit complained
    about; the most specific area (the longest path) wins, an entry with no area covers all."""
    if category is None:
        return None
    area = Q(area__isnull=True)
    if subject_unit is not None:
        steps = range(Unit.steplen, len(subject_unit.path) + 1, Unit.steplen)
        area |= Q(area__path__in=[subject_unit.path[:i] for i in steps])
    return (
        DispatchRule.objects.filter(
            area,
            category=category,
            status=DispatchRule.Status.ACTIVE,
            unit__status=Unit.Status.ACTIVE,
        )
        .select_related("unit", "area")
        .annotate(area_depth=Coalesce(Length("area__path"), 0))
        .order_by("-area_depth", "pk")
        .first()
    )


def suggested_unit(*, category: ComplaintCategory | None, subject_unit: Unit | None) -> Unit | None:
    """The proposed lead unit: the dispatch catalogue's entry for the category and area,
    else the category's default unit, else the unit complained about (归口管理)."""
    rule = catalogue_rule_for(category=category, subject_unit=subject_unit)
    if rule is not None:
        return rule.unit
    if category is not None and category.default_unit_id and category.default_unit.is_active:  # type: ignore[union-attr]
        return category.default_unit
    if subject_unit is not None and subject_unit.is_active:
        return subject_unit
    return None


HEAD_ROLES = ("first", "principal", "liaison")


def unit_recipients(*, unit: Unit) -> dict[str, list[Any]]:
    """Login accounts of the unit's heads and of its leaders in charge (also on ancestors)."""
    return units_recipients(units=[unit])[unit.pk]


def units_recipients(*, units: Iterable[Unit]) -> dict[int, dict[str, list[Any]]]:
    """unit_recipients for many units in one query (a sweep's thousand cases name a few
    hundred units): per unit's id, its heads and the leaders in charge of it or of an
    ancestor, each list in the responsibilities' order (unit path, role, start date)."""
    by_pk: dict[int, Unit] = {unit.pk: unit for unit in units}
    steplen = Unit.steplen
    ancestors = {
        pk: [unit.path[:i] for i in range(steplen, len(unit.path) + 1, steplen)]
        for pk, unit in by_pk.items()
    }
    rows = (
        Responsibility.objects.current()
        .filter(person__user__isnull=False, person__user__is_active=True)
        .filter(
            Q(unit__in=list(by_pk), role__in=HEAD_ROLES)
            | Q(
                unit__path__in={path for paths in ancestors.values() for path in paths},
                role="in_charge",
            )
        )
        .select_related("person__user", "unit")
    )
    heads_of: dict[int, list[Any]] = {}
    in_charge_on: dict[str, list[Any]] = {}  # by the path of the unit they are in charge of
    for row in rows:
        user = row.person.user
        if user is None:
            continue
        if row.role == "in_charge":
            in_charge_on.setdefault(row.unit.path, []).append(user)
        else:
            heads_of.setdefault(row.unit_id, []).append(user)
    found: dict[int, dict[str, list[Any]]] = {}
    for pk in by_pk:
        heads = {user.pk: user for user in heads_of.get(pk, [])}
        in_charge: dict[int, Any] = {}
        for path in ancestors[pk]:  # root first, as the responsibilities are ordered
            for user in in_charge_on.get(path, []):
                in_charge.setdefault(user.pk, user)
        found[pk] = {"heads": list(heads.values()), "in_charge": list(in_charge.values())}
    return found


class UnitRecipients:
    """units_recipients as a sweep needs it: `prefetch` the units of a batch of cases (one
    query for those not yet known), then `of(unit)` for each case."""

    def __init__(self) -> None:
        self._known: dict[int, dict[str, list[Any]]] = {}

    def prefetch(self, units: Iterable[Unit | None]) -> None:
        wanted = {
            unit.pk: unit for unit in units if unit is not None and unit.pk not in self._known
        }
        if wanted:
            self._known.update(units_recipients(units=wanted.values()))

    def of(self, unit: Unit) -> dict[str, list[Any]]:
        if unit.pk not in self._known:
            self.prefetch([unit])
        return self._known[unit.pk]


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


# --- Figures (docs/FIGURES.md defines each one; scoring counts the same rows) ------------

# Whom a complaint counts against (docs/FIGURES.md): the unit complained about, or, where
# intake named none, the unit handling it; a scheme may say the handling unit instead.
SUBJECT_UNIT = "subject"
HANDLING_UNIT = "handling"

DIMENSIONS = {
    # dimension: (the row's label, its sort key)
    "unit": ("fig_unit_name", "fig_unit_path"),
    "handling_unit": ("unit__name", "unit__path"),
    "category": ("category__name", "category__sort_order"),
    "channel": ("channel", "channel"),
    "month": ("month", "month"),
}
SATISFIED = (Complaint.Satisfaction.SATISFIED, Complaint.Satisfaction.BASICALLY)
SUBSTANTIATED = (Complaint.Verdict.SUBSTANTIATED, Complaint.Verdict.PARTLY)


def counted_unit(counted_against: str = SUBJECT_UNIT, field: str = "id") -> Any:
    """The unit a complaint counts against (its `field`), as an expression."""
    if counted_against == HANDLING_UNIT:
        return F(f"unit__{field}")
    return Coalesce(f"subject_unit__{field}", f"unit__{field}")


def complaints_of_year(
    *, year: int | None = None, counted_against: str = SUBJECT_UNIT, base: Any = None
) -> QuerySet[Complaint]:
    """The complaints the figures and scoring count: received in `year` (every year if
    None), merged duplicates left out, annotated with `fig_unit` (whom each counts against)."""
    qs = (Complaint.objects.all() if base is None else base).exclude(status=Complaint.Status.MERGED)
    if year:
        qs = qs.filter(received_at__year=year)
    return qs.annotate(fig_unit=counted_unit(counted_against))


def closed_q() -> Q:
    """办结: the case is closed (after the return visit)."""
    return Q(status=Complaint.Status.CLOSED)


def closed_on_time_q() -> Q:
    """按时办结: closed, and the unit's answer came by the handling deadline (a case closed
    without an answer on record: closed by the deadline)."""
    return closed_q() & (
        Q(answered_at__date__lte=F("deadline"))
        | Q(answered_at__isnull=True, closed_at__date__lte=F("deadline"))
    )


def overdue_q(as_of: datetime.date) -> Q:
    """逾期未办结: a unit is handling the case, its clock runs, and its deadline was before
    `as_of` (a paused clock is not overdue: its deadline moves when it restarts)."""
    return clock_running_q() & Q(deadline__lt=as_of)


def late_q(as_of: datetime.date) -> Q:
    """逾期办理 (scoring's 投诉逾期办结): the deadline passed before `as_of` without a timely
    answer: still being handled, answered after the deadline, or never answered."""
    return (
        Q(deadline__lt=as_of)
        & ~Q(status__in=(Complaint.Status.REJECTED, Complaint.Status.MERGED))
        & (
            clock_running_q()
            | Q(answered_at__date__gt=F("deadline"))
            | Q(answered_at__isnull=True, closed_at__isnull=True)
            | Q(answered_at__isnull=True, closed_at__date__gt=F("deadline"))
        )
    )


def substantiated_q(verdict: str = "") -> Q:
    """投诉属实: the verdict given (default: substantiated) on a case the unit answered."""
    return Q(verdict=verdict or Complaint.Verdict.SUBSTANTIATED)


def breached_q() -> Q:
    """违诺: a substantiated (or partly) complaint naming a service commitment, counted as
    the figures count 属实 (the roll-up's `breached`, complaints.figures_db)."""
    return Q(commitment__isnull=False, verdict__in=SUBSTANTIATED)


def breached_complaints(*, year: int, counted_against: str = SUBJECT_UNIT) -> QuerySet[Complaint]:
    """The complaints of `year` that are breaches of a service commitment (what
    违反服务承诺 deducts for): one row per substantiated complaint naming a commitment."""
    return complaints_of_year(year=year, counted_against=counted_against).filter(breached_q())


def late_complaints(
    *, year: int, as_of: datetime.date, counted_against: str = SUBJECT_UNIT
) -> QuerySet[Complaint]:
    """The complaints of `year` handled late as of `as_of` (what 投诉逾期办结 deducts for)."""
    return complaints_of_year(year=year, counted_against=counted_against).filter(late_q(as_of))


def substantiated_complaints(
    *, year: int, verdict: str = "", counted_against: str = SUBJECT_UNIT
) -> QuerySet[Complaint]:
    """The complaints of `year` with the verdict (what 投诉举报属实 deducts for)."""
    return complaints_of_year(year=year, counted_against=counted_against).filter(
        substantiated_q(verdict)
    )


def figures(
    *,
    user: AnyUser,
    by: str,
    year: int | None = None,
    today: datetime.date | None = None,
    counted_against: str = SUBJECT_UNIT,
) -> Sequence[dict[str, Any]]:
    """Counts and rates per unit, category, channel or month (docs/FIGURES.md).

    按时办结率 = closed on time ÷ (closed + overdue); 办结率 = closed ÷ accepted; 满意率 =
    satisfied or basically satisfied ÷ rated; 受理率 = accepted ÷ decided; 属实率 =
    substantiated or partly ÷ judged. `late` is what scoring deducts for as of `today`.

    Figures on PostgreSQL, as of today or later, add up the roll-up (complaints.figures_db)
    and count live only the open cases past their deadline: two queries whatever the number
    of complaints. A reader confined to a subtree adds up the roll-up's rows per handling
    unit that complaint_scope_q lets them see. Anything else (another day, whom a scheme
    counts against, SQLite) counts the complaints: `figures_live`, the definition the
    roll-up equals.
    """
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by}")
    today = today or timezone.localdate()
    if counted_against == SUBJECT_UNIT and today >= timezone.localdate() and figures_db.enabled():
        if _sees_all_figures(user):
            return _rolled_up_figures(by=by, year=year, today=today)
        return _rolled_up_figures(by=by, year=year, today=today, scoped_to=user)
    return figures_live(user=user, by=by, year=year, today=today, counted_against=counted_against)


def _rates(row: dict[str, Any], key: Any) -> dict[str, Any]:
    return {
        **row,
        "label": key,
        "unit_id": row.get("fig_unit"),
        "acceptance_rate": percent(row["accepted"], row["decided"]),
        "on_time_rate": percent(row["closed_on_time"], row["closed"] + row["overdue"]),
        "closure_rate": percent(row["closed"], row["accepted"]),
        "satisfaction_rate": percent(row["satisfied"], row["rated"]),
        "substantiation_rate": percent(row["substantiated"], row["judged"]),
    }


def figures_live(
    *,
    user: AnyUser,
    by: str,
    year: int | None = None,
    today: datetime.date | None = None,
    counted_against: str = SUBJECT_UNIT,
    base: QuerySet[Complaint] | None = None,
) -> list[dict[str, Any]]:
    """The figures counted from the complaints themselves: one GROUP BY.

    `base`: the complaints a reader who is no person may read (an API client's subtree) in
    place of the user's."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by}")
    today = today or timezone.localdate()
    label, order = DIMENSIONS[by]
    if base is None:
        base = (
            Complaint.objects.all() if _sees_all_figures(user) else complaints_visible_to(user=user)
        )
    qs = complaints_of_year(year=year, counted_against=counted_against, base=base)
    if by == "month":
        qs = qs.annotate(month=TruncMonth("received_at"))
    elif by == "unit":
        qs = qs.annotate(
            fig_unit_name=counted_unit(counted_against, "name"),
            fig_unit_path=counted_unit(counted_against, "path"),
        )
    decided = ~Q(status=Complaint.Status.REGISTERED)
    accepted = decided & ~Q(status=Complaint.Status.REJECTED)
    fields = (label, order) if label != order else (label,)
    if by == "unit":
        fields = (*fields, "fig_unit")
    rows = (
        qs.order_by()
        .values(*fields)
        .annotate(
            total=Count("pk"),
            decided=Count("pk", filter=decided),
            accepted=Count("pk", filter=accepted),
            closed=Count("pk", filter=closed_q()),
            closed_on_time=Count("pk", filter=closed_on_time_q()),
            overdue=Count("pk", filter=overdue_q(today)),
            late=Count("pk", filter=late_q(today)),
            rated=Count("pk", filter=~Q(satisfaction="")),
            satisfied=Count("pk", filter=Q(satisfaction__in=SATISFIED)),
            judged=Count("pk", filter=~Q(verdict="")),
            substantiated=Count("pk", filter=Q(verdict__in=SUBSTANTIATED)),
            breached=Count("pk", filter=breached_q()),
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
        result.append(_rates(row, key))
    return result


# Per dimension: the roll-up's key column.
_ROLLED_UP_KEY = {
    "unit": "unit",
    "handling_unit": "unit",
    "category": "category",
    "channel": "channel",
    "month": "month",
}
# The same keys on the complaints, for what is counted live.
_LIVE_KEY = {
    "unit": Coalesce("subject_unit_id", "unit_id"),
    "handling_unit": F("unit_id"),
    "category": F("category_id"),
    "channel": F("channel"),
    "month": TruncMonth("received_at", output_field=DateField()),
}


def _rolled_up_figures(
    *, by: str, year: int | None, today: datetime.date, scoped_to: AnyUser | None = None
) -> FigureRows:
    """figures_live's rows from the roll-up, plus the open cases past their deadline.

    `scoped_to`: a reader who sees part of the tree: the scoped rows (per handling unit, and
    per unit complained about while none handles the case) their scope lets them see, and
    the open cases they see.

    The sums are grouped by the key alone (a hash of 10,000 units at province scale, in
    memory) and the keys' names read apart: grouped by name and path as well, PostgreSQL
    sorted 47,000 roll-up rows on disk first. Rows are dressed (rates) only when read; by
    unit, only the rows read are summed at all (UnitFigureRows)."""
    if scoped_to is None:
        parts = [ComplaintFigure.objects.filter(kind=by)]
        live: Any = Complaint.objects.all()
    else:
        # The cases units handle, then those none handles yet, each summed on its own: an
        # OR of the two would read every scoped row of the kind; each half reads the
        # subtree's units first, then their rows through an index.
        parts = [
            ComplaintFigure.objects.filter(
                complaint_scope_q(user=scoped_to, unit="handling_unit", routed=routed),
                kind=f"{figures_db.SCOPED}{by}",
            )
            for routed in (True, False)
        ]
        live = complaints_visible_to(user=scoped_to)
    if year:
        parts = [part.filter(year=year) for part in parts]
    # 逾期未办结 and 逾期办理 of cases still open: they change with the day, so they are
    # counted live, from the few open cases whose deadline has passed (a partial index).
    live = live.filter(status__in=Complaint.OPEN_STATUSES, deadline__lt=today)
    if year:
        live = live.filter(received_at__year=year)
    if by in UnitFigureRows.DIMENSIONS:
        return UnitFigureRows(by=by, parts=parts, live=live, today=today)
    totals = _rolled_up_sums(by, parts)
    return FigureRows(
        by=by,
        totals=totals,
        names=_key_names(by, totals),
        open_late=_open_late(by, live, today),
    )


def _keys_q(field: str, keys: list[Any] | None) -> Q:
    """`field` among `keys` (None among them: NULL too); every row when `keys` is None."""
    if keys is None:
        return Q()
    q = Q(**{f"{field}__in": [k for k in keys if k is not None]})
    return q | Q(**{f"{field}__isnull": True}) if None in keys else q


def _rolled_up_sums(
    by: str, parts: list[QuerySet[ComplaintFigure]], keys: list[Any] | None = None
) -> dict[Any, dict[str, int]]:
    """The roll-up's counts per key (of `keys` only, if given), keys whose total is 0 left
    out: each part summed in the database, the parts added up here."""
    key = _ROLLED_UP_KEY[by]
    totals: dict[Any, dict[str, int]] = {}
    for part in parts:
        summed = (
            part.filter(_keys_q(key, keys))
            .order_by()
            .values(key)
            .annotate(**{f"sum_{name}": Sum(name) for name in figures_db.COUNTS})
            .values_list(key, *(f"sum_{name}" for name in figures_db.COUNTS))
        )
        for value, *sums in summed:
            kept = totals.get(value)
            if kept is None:
                totals[value] = dict(zip(figures_db.COUNTS, sums, strict=True))
            else:
                for name, number in zip(figures_db.COUNTS, sums, strict=True):
                    kept[name] += number
    return {value: sums for value, sums in totals.items() if sums["total"] > 0}


def _open_late(
    by: str, live: QuerySet[Complaint], today: datetime.date, keys: list[Any] | None = None
) -> dict[Any, dict[str, Any]]:
    """逾期未办结 and 逾期办理 of the open cases past their deadline, per key (of `keys`)."""
    return {
        row["key"]: row
        for row in live.order_by()
        .annotate(key=_LIVE_KEY[by])
        .filter(_keys_q("key", keys))
        .values("key")
        .annotate(
            overdue=Count("pk", filter=overdue_q(today)), late=Count("pk", filter=late_q(today))
        )
    }


def _key_names(by: str, keys: Any) -> dict[Any, tuple[Any, Any]]:
    """Each key's label and sort key, as figures_live reads them (None for a key gone)."""
    if by in ("unit", "handling_unit"):
        found = Unit.objects.order_by()
        if len(keys) <= 500:  # a subtree's few; ten thousand ids cost more than the table
            found = found.filter(pk__in=[k for k in keys if k is not None])
        return {pk: (name, path) for pk, name, path in found.values_list("pk", "name", "path")}
    if by == "category":
        found = ComplaintCategory.objects.values_list("pk", "name", "sort_order")
        return {pk: (name, order) for pk, name, order in found}
    return {key: (key, key) for key in keys}


class FigureRows(Sequence[dict[str, Any]]):
    """The rolled-up figures in figures_live's order, each row made as it is read: the
    figures page shows fifty of ten thousand units and the rates of the others are never
    computed. Compares equal to the list of the same rows."""

    def __init__(
        self,
        *,
        by: str,
        totals: dict[Any, dict[str, int]],
        names: dict[Any, tuple[Any, Any]],
        open_late: dict[Any, dict[str, Any]],
    ) -> None:
        self.by, self.totals, self.names, self.open_late = by, totals, names, open_late

        def order(value: Any) -> tuple[Any, ...]:
            # ORDER BY sort key, key with NULLs last, as PostgreSQL sorts them.
            sort = self.names.get(value, (None, None))[1]
            return (sort is None, sort, value is None, value)

        self.keys = sorted(totals, key=order)

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self._row(value) for value in self.keys[index]]
        return self._row(self.keys[index])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FigureRows | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def _row(self, value: Any) -> dict[str, Any]:
        by = self.by
        label, order = DIMENSIONS[by]
        row: dict[str, Any] = dict(self.totals[value])
        counts = self.open_late.get(value, {})
        row["overdue"] = counts.get("overdue", 0)
        row["late"] = row.pop("late_closed") + counts.get("late", 0)
        if by in ("unit", "handling_unit", "category"):
            row[label], row[order] = self.names.get(value, (None, None))
            if by == "unit":
                row["fig_unit"] = value
            keyed = row[label]
        elif by == "channel":
            row[label] = value
            keyed = Complaint.Channel(value).label if value else ""
        else:  # month: the first moment of the month, as TruncMonth gives it live
            keyed = value
            if value is not None:
                row[label] = timezone.make_aware(datetime.datetime.combine(value, datetime.time()))
                keyed = timezone.localtime(row[label]).strftime("%Y-%m")
            else:
                row[label] = None
        return _rates(row, keyed)


class UnitFigureRows(FigureRows):
    """The rolled-up figures by unit: ten thousand rows in a province, of which the page
    shows a hundred. The rows' keys are found and put in order in the database (one query,
    the keys alone: figures_db.unit_keys_in_order); a slice's sums, names and open cases
    past their deadline are read for its keys alone (three queries), the whole list's at
    once when it is read whole (the API, the tests)."""

    DIMENSIONS = ("unit", "handling_unit")
    # More keys than this are read whole: their ids would cost more than the rows.
    KEYS_AT_ONCE = 500

    def __init__(
        self,
        *,
        by: str,
        parts: list[QuerySet[ComplaintFigure]],
        live: QuerySet[Complaint],
        today: datetime.date,
    ) -> None:
        self.by, self.totals, self.names, self.open_late = by, {}, {}, {}
        self._parts, self._live, self._today = parts, live, today

    @cached_property
    def keys(self) -> list[Any]:  # type: ignore[override]
        return figures_db.unit_keys_in_order(
            [part.order_by().values_list("unit", "total") for part in self._parts]
        )

    def __getitem__(self, index: int | slice) -> Any:
        keys = self.keys[index] if isinstance(index, slice) else [self.keys[index]]
        self._read([key for key in keys if key not in self.totals])
        return super().__getitem__(index)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self[:])

    def _read(self, keys: list[Any]) -> None:
        if not keys:
            return
        wanted = None if len(keys) > self.KEYS_AT_ONCE else keys
        by = self.by
        self.totals |= _rolled_up_sums(by, self._parts, wanted)
        # A key whose rows changed since the keys were read (its total now 0) shows zeros.
        zero = dict.fromkeys(figures_db.COUNTS, 0)
        self.totals |= {key: dict(zero) for key in keys if key not in self.totals}
        self.names |= _key_names(by, wanted if wanted is not None else self.keys)
        self.open_late |= _open_late(by, self._live, self._today, wanted)


def county_figures(
    *, by: str, year: int | None = None, today: datetime.date | None = None
) -> Sequence[dict[str, Any]]:
    """The county's figures for a reader who is no person (an API client of the whole
    county): what `figures` gives whoever sees every unit, from the roll-up where it can."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by}")
    today = today or timezone.localdate()
    if today >= timezone.localdate() and figures_db.enabled():
        return _rolled_up_figures(by=by, year=year, today=today)
    return figures_live(
        user=AnonymousUser(), by=by, year=year, today=today, base=Complaint.objects.all()
    )


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
    """Every view of an identity, on the cases the user sees, with its request and approver."""
    return IdentityReveal.objects.filter(
        complaint__in=complaints_visible_to(user=user)
    ).select_related("complaint", "user", "request__decided_by")


def identity_jurisdiction_q(*, user: AnyUser, prefix: str = "") -> Q:
    """complaints.permissions' rule for deciding on an identity, as a filter on complaints
    (through `prefix`): jurisdiction over both units of the case (a case naming neither is
    the county's), never a unit the user acts for."""
    acts = unit_scope_q(user=user, codename=ACT)
    if not user.is_authenticated or acts == Q():
        return _NOTHING  # acting for every unit (a superuser) is acting for the case's unit
    unit, subject = f"{prefix}unit", f"{prefix}subject_unit"
    q = ~unit_scope_q(user=user, codename=ACT, prefix=f"{unit}__") & ~unit_scope_q(
        user=user, codename=ACT, prefix=f"{subject}__"
    )
    if unit_scope_q(user=user, codename=OVERSEE) == Q():
        return q
    return (
        q
        & (
            Q(**{f"{unit}__isnull": True})
            | unit_scope_q(user=user, codename=OVERSEE, prefix=f"{unit}__")
        )
        & (
            Q(**{f"{subject}__isnull": True})
            | unit_scope_q(user=user, codename=OVERSEE, prefix=f"{subject}__")
        )
        & ~Q(**{f"{unit}__isnull": True, f"{subject}__isnull": True})
    )


def _requests() -> QuerySet[IdentityRequest]:
    return (
        IdentityRequest.objects.select_related("complaint", "requested_by", "decided_by")
        .annotate(view_count=Count("views"))
        .order_by("-requested_at", "-pk")
    )


def identity_requests_to_decide(*, user: AnyUser) -> QuerySet[IdentityRequest]:
    """Pending requests a custodian may decide: in their jurisdiction, never their own."""
    if not (user.is_authenticated and user.has_perm(APPROVE_IDENTITY)):  # type: ignore[union-attr]
        return IdentityRequest.objects.none()
    return (
        _requests()
        .filter(identity_jurisdiction_q(user=user, prefix="complaint__"))
        .filter(status=IdentityRequest.Status.PENDING)
        .exclude(requested_by=user)  # type: ignore[misc]
        .order_by("requested_at", "pk")
    )


def identity_requests_of(*, user: AnyUser) -> QuerySet[IdentityRequest]:
    """The user's own requests, newest first."""
    if not user.is_authenticated:
        return IdentityRequest.objects.none()
    return _requests().filter(requested_by=user)  # type: ignore[misc]


def identity_requests_visible_to(*, user: AnyUser) -> QuerySet[IdentityRequest]:
    """What the request pages fetch from: the user's own, and (for a custodian) the requests
    of the cases they may decide on, whatever their status."""
    if not user.is_authenticated:
        return IdentityRequest.objects.none()
    q = Q(requested_by=user)
    if user.has_perm(APPROVE_IDENTITY):  # type: ignore[union-attr]
        q |= identity_jurisdiction_q(user=user, prefix="complaint__")
    return IdentityRequest.objects.filter(q)


def identity_requests_logged(*, user: AnyUser) -> QuerySet[IdentityRequest]:
    """The access log's requests: those on the cases the user sees, with their view count."""
    return _requests().filter(complaint__in=complaints_visible_to(user=user))


def identity_request_latest(*, complaint: Complaint, user: AnyUser) -> IdentityRequest | None:
    """The user's latest request on the case (what the case page says about it)."""
    if not user.is_authenticated:
        return None
    return (
        IdentityRequest.objects.filter(complaint=complaint, requested_by=user)  # type: ignore[misc]
        .select_related("decided_by")
        .order_by("-requested_at", "-pk")
        .first()
    )


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
