"""The ledger export streams plain values (no model instances, no dataset of every row) and
shows exactly what LedgerResource shows, cell by cell; the download is the same workbook."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from campaign import selectors
from campaign.models import ProblemCategory, RectificationItem
from campaign.resources import LEDGER_HEADERS, LedgerResource, ledger_rows

pytestmark = pytest.mark.django_db
S = RectificationItem.Status


@pytest.fixture
def varied(cast, campaign, make_item):
    """Items with every kind of cell: a formula, a category or none, both kinds of deadline,
    choices of each column, text with a line break, several states and two units."""
    category = ProblemCategory.objects.filter(parent__isnull=False).first()
    L = RectificationItem
    return [
        make_item(problem='=HYPERLINK("http://evil")', responsible_person="+张三"),
        make_item(
            S.ACCEPTED,
            category=category,
            long_term=True,
            list_kind=L.ListKind.INSTITUTION,
            measures="一、建立首问负责制\n二、公开办事指南",
            responsible_leader="分管副局长",
        ),
        make_item(S.SUBMITTED, level=L.Level.INDIVIDUAL, deadline=datetime.date(2027, 3, 1)),
        make_item(unit=cast.dept_b, actor=cast.head_b, problem="乙局的问题"),
    ]


def _resource_rows(user, campaign, items):
    dataset = LedgerResource(campaign=campaign, user=user).export(
        queryset=items, force_native_type=True
    )
    return list(dataset.headers), [list(row) for row in dataset]


@pytest.mark.parametrize("who", ["officer", "head_a"])
def test_rows_are_the_resources_cell_for_cell(cast, campaign, varied, who):
    user = getattr(cast, who)
    items = selectors.ledger(user=user, campaign=campaign)
    headers, expected = _resource_rows(user, campaign, items)
    rows = list(ledger_rows(items))
    assert headers == LEDGER_HEADERS
    assert rows == expected
    assert len(rows) == (4 if who == "officer" else 3)
    # Spot checks, so that a change to both at once is noticed too.
    by_id = {row[0]: row for row in rows}
    first = by_id[varied[0].pk]
    assert first[LEDGER_HEADERS.index("问题描述")] == '\'=HYPERLINK("http://evil")'
    assert first[LEDGER_HEADERS.index("责任人")] == "'+张三"
    second = by_id[varied[1].pk]
    assert second[LEDGER_HEADERS.index("长期坚持")] == "是"
    assert second[LEDGER_HEADERS.index("问题类别")] == varied[1].category.name
    assert first[LEDGER_HEADERS.index("问题类别")] == ""
    assert isinstance(second[LEDGER_HEADERS.index("整改时限")], datetime.date)
    assert second[1] == cast.dept_a.code and second[2] == cast.dept_a.name


def test_rows_build_no_model_instances(cast, campaign, varied):
    items = selectors.ledger(user=cast.officer, campaign=campaign)
    with mock.patch.object(RectificationItem, "from_db", side_effect=AssertionError("instance")):
        rows = list(ledger_rows(items, chunk_size=2))
    assert len(rows) == 4


def test_the_download_is_the_resources_workbook(
    cast, campaign, varied, client_for, django_assert_max_num_queries
):
    client = client_for(cast.officer)
    url = reverse("campaign:ledger_export", args=[campaign.pk])
    client.get(url)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="ledger-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet.title == "整改台账" and sheet.freeze_panes == "A3"
    assert values[1] == LEDGER_HEADERS
    items = selectors.ledger(user=cast.officer, campaign=campaign)
    _headers, expected = _resource_rows(cast.officer, campaign, items)
    got = [
        [v.date() if isinstance(v, datetime.datetime) else ("" if v is None else v) for v in row]
        for row in values[2:]
    ]
    assert got == [["" if v is None else v for v in row] for row in expected]
    # Widths judged from the rows, as before: the problem column is wider than the minimum.
    assert sheet.column_dimensions["H"].width > 8


def test_the_download_takes_the_pages_filters(cast, campaign, varied, client_for):
    url = reverse("campaign:ledger_export", args=[campaign.pk])
    response = client_for(cast.officer).get(url, {"q": "分管副局长"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    ids = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert ids == [varied[1].pk]
