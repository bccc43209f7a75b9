"""Campaign fixtures on top of the shared cast, all built with the real services."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from campaign import services
from campaign.models import Campaign, RectificationItem


def DEFAULT_DEADLINE() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=90)


def campaign_start(cast) -> Campaign:
    """The cast's campaign over the whole county, under way."""
    created = services.campaign_create(
        name="2026年集中整顿作风提升行政效能专项活动",
        year=2026,
        scope=cast.root,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        template=Campaign.Template.SPECIAL,
        actor=cast.officer,
    )
    return services.campaign_activate(campaign=created, actor=cast.officer)


@pytest.fixture
def campaign(cast) -> Campaign:
    return campaign_start(cast)


def item_drive(
    cast,
    campaign,
    status: str = RectificationItem.Status.DRAFT,
    *,
    unit=None,
    actor=None,
    deadline: datetime.date | None = None,
    **fields,
) -> RectificationItem:
    """An item of dept_a (by head_a) moved along the state machine to `status`."""
    actor = actor or cast.head_a
    unit = unit or cast.dept_a
    item = services.item_create(
        campaign=campaign,
        unit=unit,
        actor=actor,
        problem=fields.pop("problem", "窗口授权不到位，即办件不能立即办理"),
        deadline=deadline or DEFAULT_DEADLINE(),
        **fields,
    )
    S = RectificationItem.Status
    path = {
        S.DRAFT: [],
        S.SUBMITTED: ["submit"],
        S.RETURNED: ["submit", "return"],
        S.ACCEPTED: ["submit", "accept"],
        S.IN_PROGRESS: ["submit", "accept", "start"],
        S.CLOSURE_REQUESTED: ["submit", "accept", "start", "request"],
        S.CLOSED: ["submit", "accept", "start", "request", "close"],
    }[status]
    for step in path:
        if step == "submit":
            item = services.item_submit(item=item, actor=actor)
        elif step == "return":
            item = services.item_return(item=item, actor=cast.officer, reason="措施不具体")
        elif step == "accept":
            item = services.item_accept(item=item, actor=cast.officer)
        elif step == "start":
            item = services.item_start(item=item, actor=actor)
        elif step == "request":
            item = services.item_request_closure(item=item, actor=actor, evidence="已授权窗口")
        elif step == "close":
            item = services.item_close(
                item=item, actor=cast.officer, verification_note="现场核查属实"
            )
    item.refresh_from_db()
    assert item.status == status
    return item


@pytest.fixture
def make_item(cast, campaign):
    """make_item(status, ...) → an item of dept_a (by head_a) driven to `status`."""

    def make(status: str = RectificationItem.Status.DRAFT, **kwargs) -> RectificationItem:
        return item_drive(cast, campaign, status, **kwargs)

    return make
