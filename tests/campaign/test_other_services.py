"""Campaign templates, submissions, inspections and findings, circulars, the monthly draft."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from campaign import selectors, services, tasks
from campaign.models import (
    AccountabilityAction,
    Campaign,
    CampaignTransition,
    Circular,
    CircularMention,
    Deliverable,
    Finding,
    ProblemCategory,
    RectificationItem,
    Submission,
    SubmissionTransition,
)
from units.models import Notification
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db


def test_problem_catalogue_is_seeded_from_the_seeds():
    names = set(ProblemCategory.objects.values_list("name", flat=True))
    for name in (
        "十大问题",
        "不担当",
        "不开明",
        "五严禁",
        "六条禁令",
        "优化环境“十项规定”",
        "六倡导六不准",
        "窗口授权不到位",
        "中层“肠梗阻”",
        "新官不理旧账",
        "缺乏开拓创新的精神",
    ):
        assert name in names
    ten = ProblemCategory.objects.get(code="T10")
    assert ten.children.count() == 10 and ten.name_en == "The ten problems"
    assert ProblemCategory.objects.get(code="F2").children.count() == 7
    assert not ProblemCategory.objects.filter(name_en="").exists()


def test_schedules_exist():
    tasks_ = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"campaign.tasks.sweep_reminders", "campaign.tasks.draft_monthly_circulars"} <= tasks_


def test_special_template_has_five_phases_and_standard_deliverables(cast):
    campaign = services.campaign_create(
        name="集中整顿作风专项活动",
        year=2026,
        scope=cast.root,
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 8, 31),
        template=Campaign.Template.SPECIAL,
        actor=cast.officer,
    )
    phases = list(campaign.phases.all())
    assert [p.name for p in phases] == [
        "调研与方案制定阶段",
        "学习教育与查找问题阶段",
        "集中整治阶段",
        "建章立制阶段",
        "问题处理与总结阶段",
    ]
    assert phases[0].start_date == campaign.start_date and phases[-1].end_date == campaign.end_date
    for before, after in itertools.pairwise(phases):
        assert before.end_date < after.start_date
    kinds = set(campaign.deliverables.values_list("kind", flat=True))
    assert kinds == {
        "action_plan",
        "individual_norms",
        "self_inspection",
        "annual_report",
        "summary",
    }
    assert campaign.status == Campaign.Status.DRAFT


def test_annual_template_has_three_phases_by_month(cast):
    campaign = services.campaign_create(
        name="机关作风建设年活动",
        year=2026,
        scope=cast.root,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        template=Campaign.Template.ANNUAL,
        actor=cast.officer,
    )
    phases = [(p.name, p.start_date, p.end_date) for p in campaign.phases.all()]
    assert phases == [
        ("动员阶段", datetime.date(2026, 1, 1), datetime.date(2026, 2, 28)),
        ("实施阶段", datetime.date(2026, 3, 1), datetime.date(2026, 9, 30)),
        ("总结阶段", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    ]
    plan = campaign.deliverables.get(kind="action_plan")
    assert plan.title == "行动方案" and plan.due_date == datetime.date(2026, 1, 30)


def test_campaign_lifecycle_and_permissions(cast):
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            name="x",
            year=2026,
            scope=cast.root,
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 2, 1),
            actor=cast.head_a,
        )
    with pytest.raises(ValidationError):
        services.campaign_create(
            name="x",
            year=2026,
            scope=cast.root,
            start_date=datetime.date(2026, 2, 1),
            end_date=datetime.date(2026, 1, 1),
            actor=cast.officer,
        )
    campaign = services.campaign_create(
        name="x",
        year=2026,
        scope=cast.root,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 2, 1),
        actor=cast.officer,
    )
    with pytest.raises(InvalidTransition):
        services.campaign_close(campaign=campaign, actor=cast.officer)
    services.campaign_activate(campaign=campaign, actor=cast.officer)
    services.campaign_close(campaign=campaign, actor=cast.officer)
    with pytest.raises(InvalidTransition):
        services.campaign_activate(campaign=campaign, actor=cast.officer)
    assert list(
        CampaignTransition.objects.filter(campaign=campaign).values_list("to_status", flat=True)
    ) == [
        "active",
        "closed",
    ]
    # Drafts are for staff only; active campaigns for everyone in scope.
    assert campaign in selectors.campaigns_visible_to(user=cast.head_a)
    assert not selectors.campaigns_visible_to(user=cast.outsider).exists()


def test_submission_cycle(cast, campaign):
    deliverable = campaign.deliverables.get(kind="action_plan")
    with pytest.raises(ValidationError):
        services.submission_submit(deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a)
    with pytest.raises(PermissionDenied):
        services.submission_submit(
            deliverable=deliverable, unit=cast.dept_b, actor=cast.head_a, text="x"
        )
    submission = services.submission_submit(
        deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="本局行动方案全文"
    )
    assert submission.status == Submission.Status.SUBMITTED
    with pytest.raises(InvalidTransition):
        services.submission_submit(
            deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="again"
        )
    with pytest.raises(PermissionDenied):
        services.submission_accept(submission=submission, actor=cast.head_a)
    with pytest.raises(ValidationError):
        services.submission_return(submission=submission, actor=cast.officer, reason="")
    services.submission_return(submission=submission, actor=cast.officer, reason="缺少具体措施")
    submission.refresh_from_db()
    assert (
        submission.status == Submission.Status.RETURNED
        and submission.return_reason == "缺少具体措施"
    )
    services.submission_submit(
        deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="修改稿"
    )
    submission.refresh_from_db()
    services.submission_accept(submission=submission, actor=cast.officer)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    with pytest.raises(InvalidTransition):
        services.submission_return(submission=submission, actor=cast.officer, reason="再退")
    moves = list(
        SubmissionTransition.objects.filter(submission=submission).values_list(
            "from_status", "to_status"
        )
    )
    assert moves == [
        ("", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "accepted"),
    ]
    assert Submission.objects.filter(deliverable=deliverable).count() == 1


def test_late_and_missing_submissions_are_countable(cast, campaign):
    deliverable = campaign.deliverables.get(kind="action_plan")
    Deliverable.objects.filter(pk=deliverable.pk).update(due_date=datetime.date(2020, 1, 1))
    services.submission_submit(
        deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="迟交"
    )
    row = selectors.deliverable_counts(campaign=campaign).get(pk=deliverable.pk)
    assert (row.submitted_count, row.late_count) == (1, 1)
    deliverable.refresh_from_db()
    status = {
        u.code: u.submission_status
        for u in selectors.deliverable_status(user=cast.officer, deliverable=deliverable)
    }
    assert status == {"SLX-SCJ": "submitted", "SLX-JYJ": None, "SLX-CGZ": None}


def test_inspection_findings_become_items_and_are_fed_back(
    cast, campaign, django_capture_on_commit_callbacks
):
    category = ProblemCategory.objects.get(code="F3-2")
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        inspection = services.inspection_record(
            campaign=campaign,
            kind="secret",
            date=timezone.localdate(),
            actor=cast.officer,
            team="明察暗访组",
            findings=[
                services.FindingInput(
                    unit=cast.dept_a,
                    severity="major",
                    description="窗口工作人员未履行一次性告知义务",
                    deadline=deadline,
                    category=category,
                ),
                services.FindingInput(
                    unit=cast.dept_b,
                    severity="minor",
                    description="上班时间玩游戏",
                    deadline=deadline,
                ),
            ],
        )
    assert set(inspection.units.values_list("code", flat=True)) == {"SLX-SCJ", "SLX-JYJ"}
    item = RectificationItem.objects.get(finding__unit=cast.dept_a)
    assert (item.source, item.status, item.deadline, item.category) == (
        "inspection",
        "accepted",
        deadline,
        category,
    )
    assert item.transitions.get().to_status == "accepted"
    notice = Notification.objects.get(recipient=cast.head_a, kind="assigned")
    assert "明察暗访问题反馈" in notice.title
    assert not Notification.objects.filter(recipient=cast.head_a, title__contains="玩游戏").exists()
    # The unit head may not record inspections.
    with pytest.raises(PermissionDenied):
        services.inspection_record(
            campaign=campaign, kind="open", date=timezone.localdate(), actor=cast.head_a
        )
    with pytest.raises(ValidationError):
        services.finding_add(
            inspection=inspection,
            actor=cast.officer,
            data=services.FindingInput(
                unit=cast.dept_a, severity="catastrophic", description="x", deadline=deadline
            ),
        )
    assert Finding.objects.count() == 2


def test_warning_talk_is_an_accountability_action(cast, campaign):
    inspection = services.inspection_record(
        campaign=campaign, kind="patrol", date=timezone.localdate(), actor=cast.officer
    )
    for n in range(3):
        services.finding_add(
            inspection=inspection,
            actor=cast.officer,
            data=services.FindingInput(
                unit=cast.dept_b,
                severity="minor",
                description=f"问题{n}",
                deadline=timezone.localdate(),
            ),
        )
    assert [u.code for u in selectors.units_with_many_findings(campaign=campaign)] == ["SLX-JYJ"]
    action = services.warning_talk_record(
        inspection=inspection, unit=cast.dept_b, actor=cast.officer, reason="明察暗访发现问题较多"
    )
    assert (
        action.kind == "warning_talk" and action.source == inspection and action.unit == cast.dept_b
    )
    with pytest.raises(PermissionDenied):
        services.warning_talk_record(
            inspection=inspection, unit=cast.dept_b, actor=cast.head_a, reason="x"
        )
    assert AccountabilityAction.objects.count() == 1


def test_circulars_are_numbered_per_campaign_and_published(cast, campaign):
    first = services.circular_create(
        campaign=campaign,
        kind="criticism",
        title="关于县教育局作风问题的通报",
        body="经查……",
        actor=cast.officer,
        mentions=[(cast.dept_b, "negative")],
    )
    second = services.circular_create(
        campaign=campaign,
        kind="commendation",
        title="表扬",
        body="……",
        actor=cast.officer,
        mentions=[(cast.dept_a, "positive")],
    )
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Circular.objects.create(
            campaign=campaign, number=1, kind="briefing", title="重复", body="x"
        )
    with pytest.raises(PermissionDenied):
        services.circular_publish(circular=first, actor=cast.head_a)
    services.circular_publish(circular=first, actor=cast.officer, is_public=True)
    first.refresh_from_db()
    assert first.status == "published" and first.published_at and first.is_public
    with pytest.raises(InvalidTransition):
        services.circular_publish(circular=first, actor=cast.officer)
    with pytest.raises(ValidationError):
        services.circular_update(circular=first, actor=cast.officer, title="改", body="改")
    assert CircularMention.objects.get(circular=first).tone == "negative"
    # Drafts are hidden from unit heads; published ones are visible.
    visible = set(selectors.circulars_visible_to(user=cast.head_a))
    assert first in visible and second not in visible
    assert list(selectors.public_circulars()) == [first]


def test_progress_circular_is_drafted_from_the_figures(cast, campaign, make_item):
    make_item(RectificationItem.Status.CLOSED)
    make_item(RectificationItem.Status.IN_PROGRESS, deadline=datetime.date(2020, 1, 1))
    make_item(RectificationItem.Status.ACCEPTED, unit=cast.dept_b, actor=cast.head_b)
    circular = services.circular_draft_progress(campaign=campaign, actor=cast.officer)
    assert circular.kind == "progress" and circular.status == "draft"
    assert "共梳理整改事项 3 项，已销号 1 项，整改率 33.3%" in circular.body
    assert "1. 县市场监督管理局：整改事项 2 项，已销号 1 项，整改率 50.0%" in circular.body
    assert "2. 县教育局" in circular.body
    assert "存在逾期未整改事项的单位，请立即整改：县市场监督管理局。" in circular.body


def test_monthly_task_drafts_once_per_month(cast, campaign, make_item):
    make_item(RectificationItem.Status.ACCEPTED)
    first = tasks.draft_monthly_circulars.delay().get()
    again = tasks.draft_monthly_circulars.delay().get()
    assert first == again and len(first) == 1
    circular = Circular.objects.get(pk=first[0])
    assert circular.created_by is None and circular.period and circular.number == 1
