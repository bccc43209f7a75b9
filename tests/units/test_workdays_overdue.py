"""Days overdue in working days, for a page of rows from one calendar look-up."""

from __future__ import annotations

import datetime

import pytest

from units.models import CalendarOverride
from units.workdays import working_days_between, working_days_overdue

pytestmark = pytest.mark.django_db
D = datetime.date


def test_each_past_deadline_counts_the_working_days_since(django_assert_num_queries):
    today = D(2026, 10, 12)  # the Monday after the National Day holiday and its make-up days
    deadlines = [D(2026, 9, 30), D(2026, 10, 9), D(2026, 10, 11), today, D(2026, 10, 20), None]
    with django_assert_num_queries(1):
        overdue = working_days_overdue(deadlines, today)
    assert overdue == {
        day: working_days_between(day, today) for day in deadlines if day and day < today
    }
    assert overdue[D(2026, 10, 11)] == 1  # a Sunday deadline: overdue from Monday
    assert working_days_overdue([], today) == {}


def test_local_overrides_count(django_assert_num_queries):
    today = D(2030, 3, 6)  # beyond the package's data: Monday to Friday, plus overrides
    CalendarOverride.objects.create(date=D(2030, 3, 5), is_working_day=False, note="本地放假")
    assert working_days_overdue([D(2030, 3, 1)], today) == {D(2030, 3, 1): 2}
