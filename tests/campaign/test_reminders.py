"""The reminder sweep: 3 and 1 working days before, on becoming overdue; each sent once."""

from __future__ import annotations

import datetime

import pytest

from campaign import services, tasks
from campaign.models import Deliverable, RectificationItem
from tests.factories import UserFactory
from units.models import Notification

pytestmark = pytest.mark.django_db

S = RectificationItem.Status
MONDAY = datetime.date(2026, 3, 2)
THURSDAY = datetime.date(2026, 3, 5)  # three working days after MONDAY


def _titles(user) -> list[str]:
    return sorted(
        Notification.objects.filter(recipient=user, kind__in=["due_soon", "overdue"]).values_list(
            "title", flat=True
        )
    )


def test_item_reminders_before_and_after_the_deadline(cast, make_item):
    clerk = UserFactory(username="zeren")
    item = make_item(S.ACCEPTED, deadline=THURSDAY, problem="审批流程欠科学")
    RectificationItem.objects.filter(pk=item.pk).update(responsible_user=clerk)
    make_item(S.CLOSED, deadline=THURSDAY, problem="已销号的问题")
    make_item(S.DRAFT, deadline=THURSDAY, problem="草稿问题")
    make_item(S.IN_PROGRESS, deadline=THURSDAY, problem="长期坚持的问题", long_term=True)

    assert services.reminders_sweep(today=MONDAY) == 2  # head_a and the responsible person
    services.reminders_sweep(today=MONDAY)
    assert Notification.objects.filter(kind="due_soon").count() == 2
    assert _titles(cast.head_a) == ["到期提醒：审批流程欠科学（整改时限 2026-03-05）"]
    assert _titles(clerk) == _titles(cast.head_a)

    services.reminders_sweep(today=MONDAY + datetime.timedelta(days=1))  # Tue: nothing new due
    services.reminders_sweep(today=datetime.date(2026, 3, 4))  # Wed: 1 working day before
    assert Notification.objects.filter(kind="due_soon", recipient=cast.head_a).count() == 2
    services.reminders_sweep(today=datetime.date(2026, 3, 6))  # Fri: overdue
    services.reminders_sweep(today=datetime.date(2026, 3, 9))  # still overdue: no repeat
    overdue = Notification.objects.filter(kind="overdue", recipient=cast.head_a)
    assert overdue.count() == 1 and "逾期提醒" in overdue.get().title
    # Overdue notices go by text message too, as every other overdue notice; due-soon ones not.
    assert overdue.get().sms_requested
    assert not Notification.objects.filter(kind="due_soon", sms_requested=True).exists()
    # (Staff hear of the closed item's closure request: that is no reminder.)
    reminders = Notification.objects.filter(kind__in=["due_soon", "overdue"])
    assert not reminders.filter(title__contains="已销号的问题").exists()
    assert not reminders.filter(title__contains="草稿问题").exists()
    assert not reminders.filter(title__contains="长期坚持").exists()
    assert not Notification.objects.filter(
        recipient=cast.head_b, kind__in=["due_soon", "overdue"]
    ).exists()


def test_a_second_sweep_sends_nothing(cast, make_item):
    make_item(S.IN_PROGRESS, deadline=THURSDAY)
    first = services.reminders_sweep(today=MONDAY)
    count = Notification.objects.count()
    services.reminders_sweep(today=MONDAY)
    assert first == 1 and Notification.objects.count() == count


def test_an_extension_brings_new_reminders(cast, make_item):
    item = make_item(S.IN_PROGRESS, deadline=THURSDAY)
    services.reminders_sweep(today=MONDAY)
    request = services.extension_request(
        item=item, actor=cast.head_a, requested_deadline=datetime.date(2026, 3, 12), reason="协调中"
    )
    services.extension_approve(request=request, actor=cast.officer)
    services.reminders_sweep(today=datetime.date(2026, 3, 9))
    assert Notification.objects.filter(recipient=cast.head_a, kind="due_soon").count() == 2


def test_deliverable_reminders_go_to_units_that_have_not_submitted(cast, campaign):
    deliverable = campaign.deliverables.get(kind="action_plan")
    Deliverable.objects.filter(pk=deliverable.pk).update(due_date=THURSDAY)
    services.submission_submit(
        deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="已报送"
    )
    tasks.sweep_reminders.delay()  # the real date: nothing due, but it runs
    services.reminders_sweep(today=MONDAY)
    assert not Notification.objects.filter(recipient=cast.head_a, kind="due_soon").exists()
    notice = Notification.objects.get(recipient=cast.head_b, kind="due_soon")
    assert notice.title == "材料即将到期：行动方案（报送时限 2026-03-05）"
    services.reminders_sweep(today=datetime.date(2026, 3, 6))
    overdue = Notification.objects.filter(
        recipient=cast.head_b, kind="overdue", title__contains="行动方案"
    )
    assert overdue.count() == 1
    assert not Notification.objects.filter(
        recipient=cast.head_a, title__contains="行动方案"
    ).exists()
