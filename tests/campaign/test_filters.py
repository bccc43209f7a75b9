"""The ledger's filters (category with its sub-categories, deadline range, text over the
problem, measures and responsible people); the 督办 board's are in test_board.py."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import ProblemCategory, RectificationItem

pytestmark = pytest.mark.django_db
S = RectificationItem.Status


def _pks(response) -> set[int]:
    return {item.pk for item in response.context["page"]}


def test_ledger_filters_by_category_deadline_and_text(client_for, cast, campaign, make_item):
    child = ProblemCategory.objects.filter(parent__isnull=False).select_related("parent").first()
    sibling = (
        ProblemCategory.objects.exclude(parent=child.parent).filter(parent__isnull=False).first()
    )
    today = timezone.localdate()
    in_child = make_item(S.ACCEPTED, category=child, deadline=today + datetime.timedelta(days=10))
    elsewhere = make_item(
        S.ACCEPTED,
        category=sibling,
        deadline=today + datetime.timedelta(days=100),
        measures="建立首问负责制",
        responsible_leader="分管副局长",
    )
    client = client_for(cast.officer)
    url = reverse("campaign:ledger", args=[campaign.pk])
    assert _pks(client.get(url, {"category": child.pk})) == {in_child.pk}
    assert _pks(client.get(url, {"category": child.parent_id})) == {in_child.pk}
    until = (today + datetime.timedelta(days=30)).isoformat()
    assert _pks(client.get(url, {"deadline_to": until})) == {in_child.pk}
    assert _pks(client.get(url, {"deadline_from": until})) == {elsewhere.pk}
    assert _pks(client.get(url, {"q": "首问负责"})) == {elsewhere.pk}
    assert _pks(client.get(url, {"q": "分管副局长"})) == {elsewhere.pk}
    # The export takes the same filters.
    export = client.get(reverse("campaign:ledger_export", args=[campaign.pk]), {"q": "首问负责"})
    assert export.status_code == 200


def test_ledger_query_count_does_not_grow(
    client_for, cast, campaign, make_item, django_assert_max_num_queries
):
    make_item(S.ACCEPTED)
    client = client_for(cast.officer)
    url = reverse("campaign:ledger", args=[campaign.pk])
    query = {"q": "窗口", "deadline_to": "2099-01-01"}
    client.get(url, query)
    with django_assert_max_num_queries(30) as few:
        client.get(url, query)
    for _ in range(10):
        make_item(S.ACCEPTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, query)
    assert len(response.context["page"]) == 11


def test_inspection_list_filters(client_for, cast, campaign):
    from campaign import services

    def record(kind: str, day: int, unit, text: str):
        return services.inspection_record(
            campaign=campaign,
            kind=kind,
            date=datetime.date(2026, 3, day),
            actor=cast.officer,
            team="第一暗访组",
            findings=[
                services.FindingInput(
                    unit=unit,
                    severity="minor",
                    description=text,
                    deadline=timezone.localdate() + datetime.timedelta(days=30),
                )
            ],
        )

    secret_a = record("secret", 1, cast.dept_a, "窗口人员玩手机")
    open_b = record("open", 20, cast.dept_b, "大厅无人值守")
    client = client_for(cast.officer)
    url = reverse("campaign:inspection_list")
    assert _pks(client.get(url, {"kind": "secret"})) == {secret_a.pk}
    assert _pks(client.get(url, {"unit": cast.dept_b.pk})) == {open_b.pk}
    assert _pks(client.get(url, {"date_from": "2026-03-10"})) == {open_b.pk}
    assert _pks(client.get(url, {"q": "玩手机"})) == {secret_a.pk}
    # A unit head searches only what it may read: the other unit's finding tells nothing.
    head = client_for(cast.head_a)
    assert _pks(head.get(url)) == {secret_a.pk}
    assert _pks(head.get(url, {"q": "无人值守"})) == set()


def test_inspection_list_query_count_does_not_grow(
    client_for, cast, campaign, django_assert_max_num_queries
):
    from campaign import services

    def record(day: int):
        services.inspection_record(
            campaign=campaign,
            kind="secret",
            date=datetime.date(2026, 3, day),
            actor=cast.officer,
            team="第二暗访组",
            findings=[
                services.FindingInput(
                    unit=cast.dept_a,
                    severity="minor",
                    description="窗口脱岗",
                    deadline=timezone.localdate() + datetime.timedelta(days=30),
                )
            ],
        )

    record(1)
    client = client_for(cast.officer)
    url = reverse("campaign:inspection_list")
    query = {"q": "脱岗", "unit": cast.dept_a.pk}
    client.get(url, query)
    with django_assert_max_num_queries(30) as few:
        client.get(url, query)
    for day in range(2, 12):
        record(day)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, query)
    assert len(response.context["page"]) == 11


def test_inspection_list_counts_every_finding_of_each_inspection(client_for, cast, campaign):
    from campaign import services

    def finding(unit, text: str):
        return services.FindingInput(
            unit=unit,
            severity="minor",
            description=text,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )

    both = services.inspection_record(
        campaign=campaign,
        kind="secret",
        date=datetime.date(2026, 3, 2),
        actor=cast.officer,
        team="第三暗访组",
        findings=[finding(cast.dept_a, "窗口脱岗"), finding(cast.dept_b, "大厅无人")],
    )
    none = services.inspection_record(
        campaign=campaign,
        kind="open",
        date=datetime.date(2026, 3, 1),
        actor=cast.officer,
        team="第四明察组",
        findings=[],
    )
    page = client_for(cast.officer).get(reverse("campaign:inspection_list")).context["page"]
    counts = {inspection.pk: inspection.finding_count for inspection in page}
    assert counts[both.pk] == 2 and counts[none.pk] == 0
    # A unit head sees the inspection of its unit with the count of all its findings.
    page = client_for(cast.head_a).get(reverse("campaign:inspection_list")).context["page"]
    assert {inspection.pk: inspection.finding_count for inspection in page} == {both.pk: 2}
