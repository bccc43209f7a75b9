"""The cadre of the record tests: 赵局长 (head_a's person), first responsible for dept_a."""

from __future__ import annotations

import datetime

import pytest

from campaign import services as campaign_services
from campaign.models import RectificationItem
from tests.campaign.conftest import campaign_start, item_drive


@pytest.fixture
def campaign(cast):
    return campaign_start(cast)


@pytest.fixture
def cadre(cast):
    return cast.head_a.person


@pytest.fixture
def record(cast, campaign, cadre):
    """An individual-level item tied to the cadre and a 问责 against them."""
    item = item_drive(
        cast,
        campaign,
        RectificationItem.Status.SUBMITTED,
        level=RectificationItem.Level.INDIVIDUAL,
        cadre=cadre,
        problem="个人层面：窗口审批签字拖延",
    )
    action = campaign_services.accountability_action_record(
        kind="warning_talk",
        reason="审批签字拖延，群众多次反映",
        actor=cast.officer,
        person=cadre,
        document_number="县纪发〔2026〕7号",
        date=datetime.date(2026, 4, 2),
    )
    return {"item": item, "action": action}
