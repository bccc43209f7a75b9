"""The one working-day calendar: statutory holidays, adjusted work days, local overrides.

Order of precedence for a date: the admin-editable CalendarOverride table, then the
`chinesecalendar` package, then (for years the package does not cover) Monday–Friday,
logged once per year so that nobody mistakes the fallback for the official calendar.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from functools import lru_cache
from typing import Any

import chinese_calendar
from django.db import connection
from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

logger = logging.getLogger(__name__)

DUE_SOON_WORKING_DAYS = 3
_fallback_years_logged: set[int] = set()


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


# Within a request (units.middleware.RequestMemoryMiddleware): the whole override table, read
# at the first question and kept for the rest of the request. A page asking for two windows
# (a complaint's acceptance and handling deadlines) then reads the table once, whatever the
# windows. Outside a request (tasks, commands, the shell) every question reads the table.
_kept: ContextVar[dict[str, dict[datetime.date, bool]] | None] = ContextVar(
    "zf_calendar_overrides", default=None
)


@contextmanager
def overrides_kept() -> Iterator[None]:
    """Keep the override table, once read, until the block ends (one request)."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def forget_kept_overrides(**kwargs: Any) -> None:
    """An override was saved or deleted: the rest of the request reads the table again.
    Connected to CalendarOverride's post_save and post_delete (units.apps)."""
    kept = _kept.get()
    if kept is not None:
        kept.clear()


def _read_overrides(start: datetime.date | None, end: datetime.date | None) -> dict:
    """The table's overrides in [start, end], or all of them (a calendar's few dozen days a
    year). One fixed statement rather than a queryset: every new case and every deadline
    asks, and building the query cost more than running it (0.5 of 0.7 ms). SQLite hands
    dates back as text, hence the parse."""
    from units.models import CalendarOverride

    sql = f'SELECT "date", is_working_day FROM {CalendarOverride._meta.db_table}'  # noqa: S608
    with connection.cursor() as cursor:
        if start is None or end is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql + ' WHERE "date" BETWEEN %s AND %s', [start, end])
        rows = cursor.fetchall()
    return {
        day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day): bool(working)
        for day, working in rows
    }


def _overrides(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    """The overrides in [start, end]: from the request's copy of the table, if it keeps one."""
    kept = _kept.get()
    if kept is None:
        return _read_overrides(start, end)
    if "all" not in kept:
        kept["all"] = _read_overrides(None, None)
    return {day: working for day, working in kept["all"].items() if start <= day <= end}


@lru_cache(maxsize=20_000)  # some fifty years of dates
def _package_working_day(day: datetime.date) -> bool | None:
    """The package's answer, None for a year it does not cover. Kept per date: the package
    takes the min and max of its whole holiday table on every call (25 ms for the three
    years behind a 督办 board's oldest deadline)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _statutory_working_day(day: datetime.date) -> bool:
    working = _package_working_day(day)
    if working is None:
        if day.year not in _fallback_years_logged:
            _fallback_years_logged.add(day.year)
            logger.warning(
                "chinesecalendar has no data for %s: counting Monday-Friday as working days; "
                "add that year's holidays and adjusted work days as calendar overrides.",
                day.year,
            )
        return day.weekday() < 5
    return working


def is_working_day(day: datetime.date) -> bool:
    override = _overrides(day, day).get(day)
    return override if override is not None else _statutory_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return start
    # Long holidays (Spring Festival, National Day) fit comfortably in this window.
    window_end = start + datetime.timedelta(days=days * 2 + 21)
    overrides = _overrides(start, window_end)
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day > window_end:
            window_end = day + datetime.timedelta(days=days * 2 + 21)
            overrides |= _overrides(day, window_end)
        working = overrides.get(day)
        if working is None:
            working = _statutory_working_day(day)
        if working:
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    overrides = _overrides(start, end)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        working = overrides.get(day)
        if working is None:
            working = _statutory_working_day(day)
        count += working
    return count


def working_days_overdue(
    deadlines: Iterable[datetime.date | None], today: datetime.date
) -> dict[datetime.date, int]:
    """For each past deadline, the working days it is overdue by today (working days in
    (deadline, today]), from one calendar look-up for the lot: a board's page of rows."""
    past = sorted({day for day in deadlines if day is not None and day < today})
    if not past:
        return {}
    overrides = _overrides(past[0], today)
    counts: dict[datetime.date, int] = {}
    # Count backwards from today: each deadline's figure is the working days after it.
    wanted = set(past)
    day, count = today, 0
    while day > past[0]:
        working = overrides.get(day)
        count += int(working if working is not None else _statutory_working_day(day))
        day -= datetime.timedelta(days=1)
        if day in wanted:
            counts[day] = count
    return counts


def due_soon_cutoff(today: datetime.date, days: int = DUE_SOON_WORKING_DAYS) -> datetime.date:
    """Deadlines on or before this date (and not past) show yellow: for filters in SQL."""
    return add_working_days(today, days)


def light_case(*, today: datetime.date, active: Q, deadline: str = "deadline") -> Case:
    """The deadline light in SQL (one calendar look-up for a whole list): "red" once past the
    deadline, "yellow" within 3 working days of it, "green" otherwise while `active` holds,
    "" when it does not (closed, long-term, no deadline). Pairs with the light tag (units/templatetags/deadline_lights.py)."""
    on = active & Q(**{f"{deadline}__isnull": False})
    return Case(
        When(on & Q(**{f"{deadline}__lt": today}), then=Value("red")),
        When(on & Q(**{f"{deadline}__lte": due_soon_cutoff(today)}), then=Value("yellow")),
        When(on, then=Value("green")),
        default=Value(""),
        output_field=CharField(),
    )


def traffic_light(
    deadline: datetime.date | None, today: datetime.date, *, closed: bool = False
) -> Light | None:
    """黄灯 within 3 working days of the deadline, 红灯 once past it; nothing when closed."""
    if closed or deadline is None:
        return None
    if today > deadline:
        return Light.RED
    if deadline <= due_soon_cutoff(today):
        return Light.YELLOW
    return Light.GREEN


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of a local (Beijing) day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def local_days_q(
    field: str, *, since: datetime.date | None = None, until: datetime.date | None = None
) -> Q:
    """A datetime `field` falling on the local days `since` to `until` (both included, either
    open), as a range of instants. What `field__date__gte` means, said so that an index on
    the field serves it: `__date` computes every row's day before comparing."""
    q = Q()
    if since is not None:
        q &= Q(**{f"{field}__gte": day_start(since)})
    if until is not None:
        q &= Q(**{f"{field}__lt": day_start(until + datetime.timedelta(days=1))})
    return q
