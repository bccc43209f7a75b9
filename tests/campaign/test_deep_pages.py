"""Deep pages of the 整改台账 and the 督办 board: the same rows as a plain OFFSET, in the same
order, on every page (a page past the middle is read from the list's end); and the same
number of queries whatever the number of rows (3 or 30), on the first page and the last."""

from __future__ import annotations

import datetime

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign import selectors
from campaign.models import RectificationItem
from campaign.views.board import BoardPaginator
from campaign.views.items import LedgerPaginator
from complaints.models import Complaint
from tests.complaints.conftest import complaint_drive
from units.extensions import overdue_sources

pytestmark = pytest.mark.django_db
S = RectificationItem.Status
LAST = "1000000000"  # what the crawl asks for: Paginator.get_page answers with the last page


def _items(cast, campaign, count: int, *, overdue: bool = False) -> None:
    """`count` items over four units; every second one past its deadline when `overdue`.
    Deadlines repeat, so the order's ties fall to the unit path and the id."""
    today = timezone.localdate()
    statuses = [S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.CLOSED, S.CLOSURE_REQUESTED]
    units = [cast.dept_a, cast.division_a, cast.dept_b, cast.township]
    RectificationItem.objects.bulk_create(
        [
            RectificationItem(
                campaign=campaign,
                unit=units[i % len(units)],
                problem=f"问题{i}",
                deadline=today + datetime.timedelta(days=-(i % 3) - 1 if overdue else i % 5),
                status=S.IN_PROGRESS if overdue else statuses[i % len(statuses)],
                closed_at=timezone.now() if not overdue and i % 5 == 3 else None,
            )
            for i in range(count)
        ]
    )


def _pages(paginator: Paginator) -> list[list[object]]:
    return [list(paginator.page(n).object_list) for n in paginator.page_range]


def test_every_ledger_page_holds_what_a_plain_offset_gives(cast, campaign):
    _items(cast, campaign, 23)
    rows = selectors.ledger(user=cast.officer, campaign=campaign, filters={})
    plain = _pages(Paginator(rows, 4))
    ids_first = _pages(LedgerPaginator(rows, 4))
    assert [[item.pk for item in page] for page in ids_first] == [
        [item.pk for item in page] for page in plain
    ]
    assert len(ids_first) == 6 and len(ids_first[-1]) == 3
    # The annotations and joins come with the rows read from the end too.
    last = ids_first[-1][0]
    assert last.light == plain[-1][0].light and last.unit.name == plain[-1][0].unit.name


def test_every_board_page_holds_what_a_plain_offset_gives(cast, campaign, category):
    _items(cast, campaign, 17, overdue=True)
    for days in (1, 2, 2):
        complaint = complaint_drive(cast, category, Complaint.Status.ASSIGNED)
        Complaint.objects.filter(pk=complaint.pk).update(
            deadline=timezone.localdate() - datetime.timedelta(days=days)
        )
    sources = overdue_sources(user=cast.officer, today=timezone.localdate())
    parts = {source.kind: source.rows for source in sources}
    plain = _pages(Paginator(selectors.board_rows(parts=list(parts.values())), 3))
    board = _pages(BoardPaginator(parts, 3))
    assert board == plain
    assert sum(map(len, board)) == 20 and {row["row_kind"] for page in board for row in page} == {
        "item",
        "complaint",
    }


@pytest.fixture
def category(db):
    from complaints.models import ComplaintCategory

    return ComplaintCategory.objects.get(name="服务态度")


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["officer", "head_a"])
def test_ledger_and_board_query_counts_are_the_same_for_3_and_30_rows(
    who, client_for, cast, campaign, category
):
    client = client_for(getattr(cast, who))
    urls = [
        reverse("campaign:ledger", args=[campaign.pk]),
        reverse("campaign:ledger", args=[campaign.pk]) + f"?page={LAST}",
        reverse("campaign:overdue_board"),
        reverse("campaign:overdue_board") + f"?page={LAST}",
        reverse("campaign:overdue_board") + "?q=%E9%97%AE%E9%A2%98",  # 问题: the items' text
    ]
    _items(cast, campaign, 3, overdue=True)
    few = {url: _queries(client, url) for url in urls}
    _items(cast, campaign, 27, overdue=True)
    _items(cast, campaign, 40)
    many = {url: _queries(client, url) for url in urls}
    assert many == few


def test_board_get_page_answers_as_paginator_get_page_from_one_statement(cast, campaign, category):
    _items(cast, campaign, 17, overdue=True)
    complaint = complaint_drive(cast, category, Complaint.Status.ASSIGNED)
    Complaint.objects.filter(pk=complaint.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    sources = overdue_sources(user=cast.officer, today=timezone.localdate())
    parts = {source.kind: source.rows for source in sources}
    plain = Paginator(selectors.board_rows(parts=list(parts.values())), 4)
    # 18 rows in pages of 4: the first, one before and one past the middle, the last (2
    # rows), past the end, not a page number, below 1, absurdly large.
    for number in (1, 2, 4, 5, LAST, "x", 0, -3, "", None, 10**40):
        expected = plain.get_page(number)
        fresh = BoardPaginator(parts, 4)
        with CaptureQueriesContext(connection) as ctx:
            page = fresh.get_page(number)
            assert fresh.count == 18 and fresh.num_pages == 5
        # The keys and the count in one statement, then the page's whole rows in one.
        assert len(ctx.captured_queries) == 2
        assert page.number == expected.number
        assert list(page.object_list) == list(expected.object_list)


def test_an_empty_board_is_one_empty_page(cast):
    sources = overdue_sources(user=cast.officer, today=timezone.localdate())
    paginator = BoardPaginator({source.kind: source.rows for source in sources}, 4)
    page = paginator.get_page(LAST)
    assert page.number == 1 and list(page.object_list) == [] and paginator.count == 0
    assert BoardPaginator({}, 4).get_page(1).paginator.count == 0
