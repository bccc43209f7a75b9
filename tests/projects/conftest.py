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
