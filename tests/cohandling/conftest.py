"""The co-handling cast: a case led by dept_a with parts for dept_b and the township."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from complaints.models import Complaint
from complaints.services.cohandling import PartInput, complaint_dispatch
from tests.complaints.conftest import category, make_complaint  # noqa: F401 (fixtures)
from tests.factories import make_person_with_login
from units import services as unit_services
from units.models import CalendarOverride, Responsibility


@pytest.fixture
def township_head(cast):
    person, user = make_person_with_login("周镇长", "head_t", title="镇长")
    unit_services.responsibility_assign(
        person=person,
        unit=cast.township,
        role=Responsibility.Role.FIRST_RESPONSIBLE,
        start_date=datetime.date(2026, 1, 1),
    )
    user.refresh_from_db()
    return user


@pytest.fixture
def cohandled(cast, make_complaint, township_head):  # noqa: F811
    """A named case against dept_a, dispatched to dept_a (主办) with dept_b and the
    township as co-handlers (协办), 3 and 5 working days."""
    complaint = make_complaint(Complaint.Status.ACCEPTED)
    return complaint_dispatch(
        complaint=complaint,
        unit=cast.dept_a,
        actor=cast.officer,
        instructions="主办单位牵头核查",
        parts=[
            PartInput(unit=cast.dept_b, task="核实涉及学校收费的部分", working_days=3),
            PartInput(unit=cast.township, task="核实镇便民服务中心窗口情况", working_days=5),
        ],
    )


@pytest.fixture
def calendar():
    """calendar({-2: False, -1: True}): days relative to today off (False) or working."""

    def set_days(days: dict[int, bool]) -> datetime.date:
        today = timezone.localdate()
        for offset, working in days.items():
            CalendarOverride.objects.update_or_create(
                date=today + datetime.timedelta(days=offset),
                defaults={"is_working_day": working, "note": "测试"},
            )
        return today

    return set_days
