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
