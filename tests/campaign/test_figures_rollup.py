"""The rectification roll-up equals the live count after every kind of change (PostgreSQL).

campaign.figures_db keeps per campaign and unit the counts that do not change with the day;
the campaign page adds them up and counts live only the open items past their deadline.
Whatever changes an item (a service, a bulk UPDATE, a delete, an item or a unit moved),
`unit_figures` and `campaign_totals` must print what their `_live` definitions count.
"""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign import figures_db, selectors, services
from campaign.models import Campaign, RectificationFigure, RectificationItem
from tests.campaign.conftest import item_drive
from tests.campaign.test_subtree_query_counts import _head_of
from tests.factories import make_unit
from units import services as unit_services
from units.models import Unit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the roll-up is PostgreSQL's"),
]
S = RectificationItem.Status
DAY = datetime.timedelta(days=1)
FIELDS = (
    "pk",
    "items",
    "closed",
    "closed_on_time",
    "overdue",
    "late",
    "long_term",
    "relapsed",
    "closure_rate",
    "on_time_rate",
)


def _rows(rows) -> list[tuple]:
    return [tuple(getattr(row, name) for name in FIELDS) for row in rows]


def _assert_equal(users, campaigns) -> None:
    today = timezone.localdate()
    for user in users:
        for campaign in campaigns:
            for day in (today, today + 40 * DAY, today + 400 * DAY):
                live = selectors.unit_figures_live(user=user, campaign=campaign, today=day)
                rolled = selectors.unit_figures(user=user, campaign=campaign, today=day)
                assert _rows(rolled) == _rows(live), (user, campaign, day)
                first, total = selectors.unit_figures_ranked(
                    user=user, campaign=campaign, today=day, limit=3
                )
                assert (_rows(first), total) == (_rows(live[:3]), len(live))
                assert _rows(
                    selectors.unit_figures(user=user, campaign=campaign, today=day, limit=3)
                ) == _rows(live[:3])
                assert selectors.campaign_totals(
                    user=user, campaign=campaign, today=day
                ) == selectors.campaign_totals_live(user=user, campaign=campaign, today=day)
    # The roll-up itself, key by key, against one GROUP BY over the items.
    counted = (
        RectificationItem.objects.exclude(status=S.DRAFT)
        .values("campaign", "unit")
        .annotate(n=Count("pk"), c=Count("pk", filter=Q(status=S.CLOSED)))
    )
    live_keys = {(r["campaign"], r["unit"]): (r["n"], r["c"]) for r in counted}
    rolled_keys = {
        (r["campaign"], r["unit"]): (r["n"], r["c"])
        for r in RectificationFigure.objects.values("campaign", "unit")
        .annotate(n=Sum("items"), c=Sum("closed"))
        .exclude(n=0, c=0)
    }
    assert rolled_keys == live_keys


def _second_campaign(cast) -> Campaign:
    created = services.campaign_create(
        name="2026年作风建设年活动",
        year=2026,
        scope=cast.dept_a,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        template=Campaign.Template.SPECIAL,
        actor=cast.officer,
    )
    return services.campaign_activate(campaign=created, actor=cast.officer)


def _closed_at(rng: random.Random, deadline: datetime.date) -> datetime.datetime:
    # Around the deadline, to the minute, near local midnight too: the day is the local one.
    day = deadline + rng.choice((-3, -1, 0, 0, 1, 2)) * DAY
    minute = rng.choice((5, 600, 1430, 1439))
    local = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minute)
    return min(timezone.make_aware(local), timezone.now())


def test_the_roll_up_equals_the_live_count_after_a_random_mix_of_changes(cast, campaign):
    rng = random.Random(20261205)
    second = _second_campaign(cast)
    root_head = _head_of(cast.root, "root_head")
    extra = [make_unit(f"县直单位{n}", parent=cast.root, code=f"SLX-R{n}") for n in range(3)]
    extra.append(make_unit("股室", parent=extra[0], code="SLX-R0-A"))
    units = [cast.dept_a, cast.division_a, cast.dept_b, *extra]
    today = timezone.localdate()
    # Through the services: an item filed, accepted, closed; one recorded as a relapse's
    # source is not needed here (relapses are counted live, as before).
    item_drive(cast, campaign, S.CLOSED)
    item_drive(cast, campaign, S.IN_PROGRESS, deadline=today - 5 * DAY)
    users = (cast.officer, cast.head_a, root_head, cast.leader)
    _assert_equal(users, (campaign, second))

    statuses = list(S.values)
    for step in range(240):
        op = rng.random()
        items = list(RectificationItem.objects.values_list("pk", flat=True))
        if op < 0.35 or not items:
            status = rng.choice(statuses)
            deadline = today + rng.randint(-60, 60) * DAY
            target = rng.choice((campaign, second))
            unit = rng.choice(units if target == campaign else [cast.dept_a, cast.division_a])
            RectificationItem.objects.create(
                campaign=target,
                unit=unit,
                problem=f"问题{step}",
                deadline=deadline,
                long_term=rng.random() < 0.15,
                status=status,
                closed_at=_closed_at(rng, deadline) if status == S.CLOSED else None,
            )
        elif op < 0.6:  # a transition, as a bulk UPDATE writes it
            pk = rng.choice(items)
            status = rng.choice(statuses)
            deadline = RectificationItem.objects.get(pk=pk).deadline
            RectificationItem.objects.filter(pk=pk).update(
                status=status,
                closed_at=_closed_at(rng, deadline) if status == S.CLOSED else None,
            )
        elif op < 0.7:
            RectificationItem.objects.filter(pk=rng.choice(items)).update(
                deadline=today + rng.randint(-30, 30) * DAY, long_term=rng.random() < 0.2
            )
        elif op < 0.8:  # the item handed to another unit
            RectificationItem.objects.filter(pk=rng.choice(items), campaign=campaign).update(
                unit=rng.choice(units)
            )
        elif op < 0.88:
            RectificationItem.objects.filter(pk=rng.choice(items)).delete()
        elif op < 0.93:  # a unit moved in the tree (its items follow it)
            moved = Unit.objects.get(pk=extra[-1].pk)
            parent = rng.choice([cast.dept_a, cast.dept_b, extra[1]])
            unit_services.unit_move(unit=moved, new_parent=parent, actor=cast.officer)
        elif op < 0.96:
            services.item_figures_compact()
        else:  # a change the figures do not read: no row appended
            before = RectificationFigure.objects.count()
            RectificationItem.objects.filter(pk=rng.choice(items)).update(problem="改写问题")
            assert RectificationFigure.objects.count() == before
        if step % 40 == 39:
            _assert_equal(users, (campaign, second))
    _assert_equal(users, (campaign, second))
    appended = RectificationFigure.objects.count()
    assert services.item_figures_compact() <= appended
    _assert_equal(users, (campaign, second))
    # Counted again from scratch: the same figures.
    figures_db.rebuild()
    _assert_equal(users, (campaign, second))


def _tree(parent: Unit, campaign: Campaign, size: int, tag: str) -> None:
    """`size` units in all under `parent` (a chain of departments and their divisions), each
    with a few items in every state."""
    today = timezone.localdate()
    units = [parent]
    while len(units) < size:
        units.append(make_unit(f"{tag}单位{len(units)}", parent=rng_parent(units), code=None))
    states = (S.SUBMITTED, S.IN_PROGRESS, S.CLOSED, S.CLOSURE_REQUESTED, S.DRAFT)
    RectificationItem.objects.bulk_create(
        RectificationItem(
            campaign=campaign,
            unit=unit,
            problem=f"问题{n}",
            deadline=today + ((n % 7) - 3) * DAY,
            status=states[n % len(states)],
            closed_at=timezone.now() if states[n % len(states)] == S.CLOSED else None,
        )
        for unit in units
        for n in range(1 + unit.pk % 4)
    )


def rng_parent(units: list[Unit]) -> Unit:
    return units[(len(units) - 1) // 3]


def _page_queries(client, url: str) -> tuple[int, object]:
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_campaign_page_costs_the_same_queries_for_3_units_as_for_30(
    client_for, cast, campaign, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    top = make_unit("市直机关", parent=cast.root, code="SLX-SZ")
    head = _head_of(top, "city_head")
    url = reverse("campaign:campaign_detail", args=[campaign.pk])
    client = client_for(head)
    _tree(top, campaign, 3, "甲")
    small, response = _page_queries(client, url)
    assert len(response.context["figures"]) == 3  # the head's unit and two below it
    _tree(top, campaign, 30, "乙")
    large, response = _page_queries(client, url)
    assert large == small
    live = selectors.unit_figures_live(user=head, campaign=campaign)
    assert _rows(response.context["figures"]) == _rows(live)
    assert len(live) > 20
