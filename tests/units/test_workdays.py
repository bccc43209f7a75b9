"""The working-day calendar across the 2026 National Day holiday and into 2027."""

import datetime as dt
import logging

import pytest

from units import workdays
from units.models import CalendarOverride
from units.workdays import Light, add_working_days, is_working_day, traffic_light

pytestmark = pytest.mark.django_db
D = dt.date


def test_2026_national_day_holiday_and_adjusted_work_days():
    # 10-01..10-07 off (Mid-Autumn joins National Day); Sat 10-10 is an adjusted work day.
    assert not any(is_working_day(D(2026, 10, day)) for day in range(1, 8))
    assert is_working_day(D(2026, 10, 10))  # Saturday, 调休上班
    assert not is_working_day(D(2026, 10, 11))  # Sunday
    assert is_working_day(D(2026, 9, 30))


def test_adding_working_days_skips_the_holiday_and_counts_the_saturday():
    # From Wed 09-30: 10-08 (1), 10-09 (2), Sat 10-10 (3).
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    # 15 working days from Mon 09-28: 09-29, 09-30, 10-08, 10-09, 10-10, 10-12..16, 10-19..23
    assert add_working_days(D(2026, 9, 28), 15) == D(2026, 10, 23)
    assert add_working_days(D(2026, 9, 30), 0) == D(2026, 9, 30)


def test_working_days_between_counts_the_half_open_interval():
    assert workdays.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert workdays.working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == -3


def test_2027_falls_back_to_monday_to_friday_and_logs_it(caplog):
    workdays._fallback_years_logged.discard(2027)
    with caplog.at_level(logging.WARNING, logger="units.workdays"):
        # Thu 2026-12-31 + 3 → Fri 01-01 (fallback knows no New Year), Mon 01-04, Tue 01-05.
        assert add_working_days(D(2026, 12, 31), 3) == D(2027, 1, 5)
        assert not is_working_day(D(2027, 1, 9))  # Saturday
    assert any("2027" in r.getMessage() for r in caplog.records)


def test_override_table_wins_over_package_and_fallback():
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    CalendarOverride.objects.create(date=D(2026, 10, 10), is_working_day=False, note="本地调整")
    assert not is_working_day(D(2027, 1, 1))
    assert not is_working_day(D(2026, 10, 10))
    # New Year's Day off: Thu 12-31 + 1 → Mon 01-04.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_traffic_lights():
    deadline = D(2026, 10, 14)  # Wed
    assert traffic_light(deadline, D(2026, 9, 28)) == Light.GREEN
    # From Fri 10-09 the deadline is 4 working days away (10-10, 10-12, 10-13, 10-14).
    assert traffic_light(deadline, D(2026, 10, 9)) == Light.GREEN
    assert traffic_light(deadline, D(2026, 10, 10)) == Light.YELLOW
    assert traffic_light(deadline, D(2026, 10, 14)) == Light.YELLOW
    assert traffic_light(deadline, D(2026, 10, 15)) == Light.RED
    assert traffic_light(deadline, D(2026, 10, 15), closed=True) is None
    assert traffic_light(None, D(2026, 10, 15)) is None


def _override_reads(queries) -> int:
    return sum("units_calendaroverride" in q["sql"] for q in queries)


def test_a_request_reads_the_overrides_once_and_sees_its_own_changes(rf):
    """Two deadline windows in one request read the table once (units.middleware); an
    override saved during the request is seen by the next question; after the request
    every question reads the table again."""
    from django.db import connection
    from django.http import HttpResponse
    from django.test.utils import CaptureQueriesContext

    from units.middleware import RequestMemoryMiddleware

    CalendarOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    seen: dict[str, object] = {}

    def view(request):
        with CaptureQueriesContext(connection) as first:
            seen["new_year"] = is_working_day(D(2027, 1, 1))
            seen["three_days"] = add_working_days(D(2026, 12, 31), 3)  # another window
            seen["between"] = workdays.working_days_between(D(2026, 9, 30), D(2026, 10, 10))
        seen["first_reads"] = _override_reads(first.captured_queries)
        CalendarOverride.objects.create(date=D(2027, 1, 4), is_working_day=False, note="补假")
        with CaptureQueriesContext(connection) as second:
            seen["after_change"] = add_working_days(D(2026, 12, 31), 3)
        seen["second_reads"] = _override_reads(second.captured_queries)
        return HttpResponse("ok")

    RequestMemoryMiddleware(view)(rf.get("/"))
    assert seen["first_reads"] == 1
    assert seen["new_year"] is False
    assert seen["three_days"] == D(2027, 1, 6)  # 01-01 off: 01-04, 01-05, 01-06
    assert seen["between"] == 3
    assert seen["second_reads"] == 1  # the saved override forgot the kept table
    assert seen["after_change"] == D(2027, 1, 7)  # 01-04 off as well
    # Outside a request nothing is kept: each question reads the table.
    with CaptureQueriesContext(connection) as outside:
        is_working_day(D(2027, 1, 1))
        is_working_day(D(2027, 1, 4))
    assert _override_reads(outside.captured_queries) == 2
    CalendarOverride.objects.filter(date=D(2027, 1, 4)).delete()
    assert is_working_day(D(2027, 1, 4))
