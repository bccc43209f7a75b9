"""Scoring reads 为民办实事: a completed project adds points to its unit (PROJECT_COMPLETED),
a milestone missed deducts (PROJECT_OVERDUE); one line per fact, in SQL."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assessments import services as assessment_services
from assessments.models import AdjustmentLine, AdjustmentRule, AssessmentResult, Indicator
from assessments.rule_kinds import KINDS
from campaign.services import projects as services
from campaign.services.projects import MilestoneEntry
from tests.projects.conftest import file_project, publish

pytestmark = pytest.mark.django_db

YEAR = 2025  # a past year: judged at its year end
K = AdjustmentRule.Kind


@pytest.fixture
def scheme(cast):
    scheme = assessment_services.scheme_create(year=YEAR, name="2025年度考核", actor=cast.officer)
    Indicator.objects.create(scheme=scheme, component="special", name="重点工作", max_points=100)
    Indicator.objects.create(
        scheme=scheme, component="organisational", name="活动成果", max_points=100
    )
    return assessment_services.scheme_open(scheme=scheme, actor=cast.officer)


def _rule(scheme, kind, points, sign):
    return AdjustmentRule.objects.create(
        scheme=scheme, name=kind, kind=kind, points=Decimal(points), sign=sign
    )


def _project(cast, *, unit, head, title, dues):
    project = file_project(
        cast,
        unit=unit,
        actor=head,
        title=title,
        year=YEAR,
        milestones=[MilestoneEntry(f"节点{n}", due) for n, due in enumerate(dues, 1)],
    )
    return publish(cast, project, head=head)


def test_completed_projects_add_and_missed_milestones_deduct(scheme, cast):
    assert K.PROJECT_COMPLETED in KINDS and K.PROJECT_OVERDUE in KINDS
    completed = _rule(scheme, K.PROJECT_COMPLETED, "2", sign=1)
    overdue = _rule(scheme, K.PROJECT_OVERDUE, "0.5", sign=-1)
    a, b = cast.dept_a, cast.dept_b
    market = _project(
        cast, unit=a, head=cast.head_a, title="农贸市场改造", dues=[datetime.date(YEAR, 6, 30)]
    )
    services.milestone_report(
        milestone=market.milestones.get(),
        actor=cast.head_a,
        text="已投入使用",
        done=True,
        today=datetime.date(YEAR, 6, 20),
    )
    # Completed, but one milestone done late: an addition and a deduction.
    lift = _project(
        cast,
        unit=a,
        head=cast.head_a,
        title="加装电梯",
        dues=[datetime.date(YEAR, 5, 1), datetime.date(YEAR, 9, 1)],
    )
    first, second = lift.milestones.order_by("position")
    services.milestone_report(
        milestone=first, actor=cast.head_a, text="晚了", done=True, today=datetime.date(YEAR, 5, 8)
    )
    services.milestone_report(
        milestone=second, actor=cast.head_a, text="完成", done=True, today=datetime.date(YEAR, 8, 1)
    )
    # b's project is still open past its milestone: a deduction, no addition.
    school = _project(
        cast, unit=b, head=cast.head_b, title="护学岗", dues=[datetime.date(YEAR, 10, 1)]
    )
    # A draft never published counts for nothing.
    file_project(
        cast,
        title="草稿项目",
        year=YEAR,
        milestones=[MilestoneEntry("x", datetime.date(YEAR, 3, 1))],
    )

    assessment_services.scheme_compute(scheme_id=scheme.pk)

    lines = AdjustmentLine.objects.filter(scheme=scheme)
    assert sorted(
        (line.unit_id, line.evidence_id) for line in lines.filter(rule=completed)
    ) == sorted([(a.pk, market.pk), (a.pk, lift.pk)])
    assert sorted(
        (line.unit_id, line.evidence_id) for line in lines.filter(rule=overdue)
    ) == sorted([(a.pk, first.pk), (b.pk, school.milestones.get().pk)])
    result_a = AssessmentResult.objects.get(scheme=scheme, unit=a)
    result_b = AssessmentResult.objects.get(scheme=scheme, unit=b)
    assert result_a.adjustments == Decimal("3.50")  # +2 +2 −0.5
    assert result_b.adjustments == Decimal("-0.50")
