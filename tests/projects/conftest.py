"""为民办实事 fixtures on the shared cast, built with the real services."""

from __future__ import annotations

import datetime

import pytest

from campaign.services import projects as services
from campaign.services.projects import MilestoneEntry

YEAR = 2026
FIRST_DUE = datetime.date(YEAR, 9, 30)  # the Wednesday before the 国庆 holiday
SECOND_DUE = datetime.date(YEAR, 11, 30)


def file_project(cast, *, unit=None, actor=None, title="农贸市场改造提升", **overrides):
    fields = {
        "year": YEAR,
        "title": title,
        "content": "改造城关农贸市场，规范摊位、完善排水和公厕。",
        "beneficiaries": "城关镇居民和经营户",
        "responsible_name": "赵局长",
        "responsible_post": "局长",
        "milestones": [
            MilestoneEntry("完成改造方案并公示", FIRST_DUE),
            MilestoneEntry("完成施工并投入使用", SECOND_DUE),
        ],
        **overrides,
    }
    return services.project_create(unit=unit or cast.dept_a, actor=actor or cast.head_a, **fields)


def publish(cast, project, *, head=None, officer=None):
    services.project_submit(project=project, actor=head or cast.head_a)
    return services.project_publish(project=project, actor=officer or cast.officer)


@pytest.fixture
def project(cast):
    return file_project(cast)


@pytest.fixture
def published(cast, project):
    return publish(cast, project)


def _world_project(cast, unit, head, title):
    return file_project(
        cast,
        unit=unit,
        actor=head,
        title=title,
        milestones=[
            MilestoneEntry("完成方案", datetime.date(YEAR, 2, 2)),
            MilestoneEntry("投入使用", datetime.date(YEAR, 12, 28)),
        ],
    )


def project_world(cast, objects, attachment) -> None:
    """The authorization world's 为民办实事 objects on both sibling units: a published project
    (a milestone overdue, with a report and its file), a draft and a submitted one."""
    from campaign.models import MilestoneProgress

    heads = {"a": (cast.dept_a, cast.head_a), "b": (cast.dept_b, cast.head_b)}
    for kind in (
        "project",
        "draft_project",
        "submitted_project",
        "milestone",
        "milestone_progress",
    ):
        objects.setdefault(kind, {})
    for side, (unit, head) in heads.items():
        project = _world_project(cast, unit, head, f"标记实事-已发布-{side}")
        project = publish(cast, project, head=head)
        milestone = project.milestones.order_by("position").first()
        services.milestone_report(
            milestone=milestone, actor=head, text="方案起草中", attachment=attachment()
        )
        objects["project"][side] = project
        objects["milestone"][side] = milestone
        objects["milestone_progress"][side] = MilestoneProgress.objects.get(milestone=milestone)
        objects["draft_project"][side] = _world_project(cast, unit, head, f"标记实事-草稿-{side}")
        submitted = _world_project(cast, unit, head, f"标记实事-待审核-{side}")
        services.project_submit(project=submitted, actor=head)
        objects["submitted_project"][side] = submitted
