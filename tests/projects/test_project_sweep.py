"""The milestone sweep across the 2026 国庆 holiday: reminded before the due date, noticed the
day after, escalated (挂牌督办) five working days later; each exactly once, run after run."""

from __future__ import annotations

import datetime

import pytest

from campaign import tasks
from campaign.models import MilestoneTransition, ProjectMilestone
from campaign.services import projects as services
from tests.projects.conftest import FIRST_DUE
from units.models import Notification

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _keys(user) -> list[str]:
    return sorted(
        Notification.objects.filter(
            recipient=user, object_key__startswith="campaign.milestone:"
        ).values_list("object_key", flat=True)
    )


def test_reminder_notice_and_escalation_once_each_across_national_day(cast, published):
    first = published.milestones.get(due_date=FIRST_DUE)  # Wed 30 Sep, before 1–7 Oct
    key = f"campaign.milestone:{first.pk}"
    escalated_on = None
    day = datetime.date(2026, 9, 20)
    while day <= datetime.date(2026, 10, 31):
        for _run in range(2):  # twice a day: a second run changes nothing
            counts = services.project_milestones_sweep(today=day)
        if counts["escalated"] or (
            escalated_on is None
            and ProjectMilestone.objects.filter(pk=first.pk, escalated_at__isnull=False).exists()
        ):
            escalated_on = escalated_on or day
        if day == datetime.date(2026, 9, 23):  # 24, 28, 29 Sep: four working days away
            assert _keys(cast.head_a) == []
        if day == datetime.date(2026, 9, 24):
            # 25 Sep (中秋) and the weekend are no working days: 28, 29, 30 Sep are the
            # three before the due date, so the reminder goes out six calendar days ahead.
            assert _keys(cast.head_a) == [f"{key}:soon"]
        if day == datetime.date(2026, 10, 1):  # the day after the due date, a holiday
            assert _keys(cast.head_a) == [f"{key}:overdue", f"{key}:soon"]
        day += DAY

    # Five working days after 30 Sep skip the holiday: 8, 9, 10 (调休), 12, 13 Oct; the
    # first sweep after that, 14 Oct, escalates.
    assert escalated_on == datetime.date(2026, 10, 14)
    head = Notification.objects.filter(recipient=cast.head_a, object_key__startswith=key)
    assert sorted(head.values_list("object_key", flat=True)) == [
        f"{key}:escalated",
        f"{key}:overdue",
        f"{key}:soon",
    ]
    assert head.get(object_key=f"{key}:overdue").kind == Notification.Kind.OVERDUE
    # The inspection staff hear of the escalation (and of nothing else about it).
    assert _keys(cast.officer) == [f"{key}:escalated"]
    assert not Notification.objects.filter(recipient=cast.head_b, object_key__startswith=key)
    # Recorded once, by the system.
    records = MilestoneTransition.objects.filter(milestone=first)
    assert records.count() == 1 and records.get().actor is None
    # The second milestone (due 30 Nov) is not reminded yet in October.
    second = published.milestones.exclude(pk=first.pk).get()
    assert not Notification.objects.filter(object_key__startswith=f"campaign.milestone:{second.pk}")


def test_done_milestones_and_drafts_are_left_alone(cast, project, published):
    # `project` is the same row as `published`; a second, unpublished draft:
    from tests.projects.conftest import file_project

    draft = file_project(cast, title="老旧小区加装电梯")
    first = published.milestones.get(due_date=FIRST_DUE)
    services.milestone_report(
        milestone=first, actor=cast.head_a, text="已完成", done=True, today=FIRST_DUE
    )
    counts = services.project_milestones_sweep(today=datetime.date(2026, 10, 20))
    assert counts == {"reminded": 0, "overdue": 0, "escalated": 0}
    assert not Notification.objects.filter(object_key__startswith="campaign.milestone:").exists()
    assert draft.status == "draft"


def test_the_task_runs_the_sweep_and_a_second_run_adds_nothing(cast, published):
    tasks.sweep_project_milestones.delay()  # the real date: whatever is due, once
    notices = Notification.objects.filter(object_key__startswith="campaign.milestone:")
    records = MilestoneTransition.objects.count()
    before = notices.count()
    tasks.sweep_project_milestones.delay()
    assert notices.count() == before and MilestoneTransition.objects.count() == records
