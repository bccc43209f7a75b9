"""A unit head's pages cost the same number of queries for one department as for a whole
province (a head of the top-level unit, whose subtree is every unit): nothing loops per unit,
and the ledger's "file an item for" list is a range on the tree, not a DISTINCT over items."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign import services
from campaign.models import RectificationItem, Submission
from tests.factories import make_person_with_login, make_unit
from units import services as unit_services
from units.models import Responsibility, Unit

pytestmark = pytest.mark.django_db

S = RectificationItem.Status


def _grow(campaign, parent: Unit, *, departments: int, first: int = 0) -> list[Unit]:
    """More units under `parent` (each with a division), with items and submissions."""
    units = []
    for n in range(first, first + departments):
        dept = make_unit(f"{parent.name}第{n}科", parent=parent, code=f"{parent.code}-X{n:02d}")
        units += [dept, make_unit(f"{dept.name}一股", parent=dept, code=f"{dept.code}-B")]
    today = timezone.localdate()
    statuses = [S.SUBMITTED, S.IN_PROGRESS, S.CLOSED, S.CLOSURE_REQUESTED]
    RectificationItem.objects.bulk_create(
        RectificationItem(
            campaign=campaign,
            unit=units[i % len(units)],
            problem=f"问题{i}",
            deadline=today + datetime.timedelta(days=(i % 20) - 10),
            status=statuses[i % len(statuses)],
            closed_at=timezone.now() if statuses[i % len(statuses)] == S.CLOSED else None,
            level="individual" if i % 5 == 0 else "unit",
        )
        for i in range(20 * len(units))
    )
    deliverable = campaign.deliverables.order_by("due_date").first()
    Submission.objects.bulk_create(
        Submission(deliverable=deliverable, unit=unit, text="已报送") for unit in units[::2]
    )
    return units


def _head_of(unit: Unit, username: str):
    person, user = make_person_with_login("冯县长", username, title="县长")
    unit_services.responsibility_assign(
        person=person, unit=unit, role=Responsibility.Role.FIRST_RESPONSIBLE
    )
    user.refresh_from_db()
    return user


def _query_counts(client, urls: list[str]) -> dict[str, int]:
    for url in urls:
        client.get(url)  # warm the per-process caches
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        counts[url] = len(ctx.captured_queries)
    return counts


def test_a_whole_county_head_costs_the_queries_of_a_department_head(
    client_for, cast, campaign, settings
):
    # A cache of this process alone: what the pages keep for the day stays kept while counting.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    deliverable = campaign.deliverables.order_by("due_date").first()
    services.submission_submit(
        deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="本单位行动方案。"
    )
    urls = [
        reverse("units:workspace"),
        reverse("campaign:campaign_detail", args=[campaign.pk]),
        reverse("campaign:ledger", args=[campaign.pk]),
        reverse("campaign:ledger", args=[campaign.pk]) + "?status=open&page=2",
        reverse("campaign:deliverables"),
        reverse("campaign:deliverable_detail", args=[deliverable.pk]),
        reverse("campaign:overdue_board"),
    ]
    root_head = _head_of(cast.root, "root_head")
    _grow(campaign, cast.root, departments=2)
    _grow(campaign, cast.dept_a, departments=1)
    small = {
        "department": _query_counts(client_for(cast.head_a), urls),
        "county": _query_counts(client_for(root_head), urls),
    }
    # Ten more departments under the county and under the department: more units to hand in
    # for, items and submissions on each.
    _grow(campaign, cast.root, departments=10, first=2)
    _grow(campaign, cast.dept_a, departments=10, first=1)
    large = {
        "department": _query_counts(client_for(cast.head_a), urls),
        "county": _query_counts(client_for(root_head), urls),
    }
    assert large == small


def test_the_overview_lists_the_head_of_the_ranking_and_counts_the_rest(
    client_for, cast, campaign, monkeypatch
):
    from campaign.views import campaigns

    monkeypatch.setattr(campaigns, "FIGURES_SHOWN", 3)
    _grow(campaign, cast.root, departments=2)
    response = client_for(cast.officer).get(reverse("campaign:campaign_detail", args=[campaign.pk]))
    assert len(response.context["figures"]) == 3
    assert response.context["figures_more"] == 4 - 3  # two departments and their divisions
    assert 'data-testid="figures-more"' in response.content.decode()


def test_the_ledger_offers_the_units_the_head_acts_for(client_for, cast, campaign):
    root_head = _head_of(cast.root, "root_head")
    response = client_for(root_head).get(reverse("campaign:ledger", args=[campaign.pk]))
    assert response.context["actable_units"] == list(Unit.objects.order_by("path"))
    response = client_for(cast.head_a).get(reverse("campaign:ledger", args=[campaign.pk]))
    assert response.context["actable_units"] == [cast.dept_a, cast.division_a]
    response = client_for(cast.leader).get(reverse("campaign:ledger", args=[campaign.pk]))
    assert response.context["actable_units"] == []
