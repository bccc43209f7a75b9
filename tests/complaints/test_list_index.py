"""The complaint lists find a page's ids from the open cases' covering index alone.

A list pages its open cases newest (or oldest) first: the ids of a page come first (units.paging),
through `complaint_open_received_cover`, in its order. Every column of the complaints table
that query reads (its scope, the filters, the order) must be in that index: a column left
out sends the database to the table for every open case passed over. On a province whose
newest open cases were 40,000 intake not yet routed, a city head's list read them all from
the table (170 ms) before finding its first thirty; from the index it takes 8 ms.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint
from complaints.services.supervision import complaint_supervise
from tests.complaints.conftest import complaint_drive

pytestmark = pytest.mark.django_db

COVER = "complaint_open_received_cover"
IDS_QUERY = 'SELECT "complaints_complaint"."id" AS "pk" FROM "complaints_complaint"'
COLUMN = re.compile(r'"complaints_complaint"\."(\w+)"')


def _covered_columns() -> set[str]:
    index = next(index for index in Complaint._meta.indexes if index.name == COVER)
    names = [*index.fields, *index.include]
    return {Complaint._meta.get_field(name.lstrip("-")).column for name in names}


def _ids_query(client, url: str) -> str:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    queries = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(IDS_QUERY)]
    assert len(queries) == 1, (url, queries)
    return queries[0]


@pytest.fixture
def open_cases(cast, category):
    """Open cases in each state a list shows, in dept_a and in the township."""
    for status in (
        Complaint.Status.REGISTERED,
        Complaint.Status.ACCEPTED,
        Complaint.Status.ANSWERED,
    ):
        complaint_drive(cast, category, status)
    # Due tomorrow: a yellow light.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    due = complaint_drive(cast, category, Complaint.Status.ASSIGNED, deadline=tomorrow)
    complaint_supervise(complaint=due, actor=cast.officer, text="请抓紧办理")
    complaint_drive(cast, category, Complaint.Status.REGISTERED, unit=cast.township)
    complaint_drive(cast, category, Complaint.Status.ASSIGNED, unit=cast.township)


LISTS = [
    # (who, the page): the scope of each kind of user, and each filter of the lists.
    ("head_a", "/complaints/"),
    ("head_a", "/complaints/?sort=old"),
    ("head_a", "/complaints/?status=assigned"),
    ("head_a", "/complaints/?category={category}"),
    ("head_a", "/complaints/?channel=web&light=yellow"),
    ("head_a", "/complaints/?supervision=any"),
    ("in_charge", "/complaints/"),
    ("officer", "/complaints/queue/"),
    ("officer", "/complaints/?received_from=2026-01-01&received_to=2030-12-31"),
    # A subtree's staff: the cases its units handle or, not yet routed, are complained about.
    ("township_officer", "/complaints/"),
    ("township_officer", "/complaints/queue/"),
    ("township_officer", "/complaints/ledger/"),
]


@pytest.mark.parametrize(("who", "url"), LISTS)
def test_a_page_of_open_cases_is_found_in_the_covering_index(
    cast, category, open_cases, client_for, who, url
):
    sql = _ids_query(client_for(getattr(cast, who)), url.format(category=category.pk))
    # The index's order, and only open cases (its condition): the index can serve the query.
    assert re.search(r'ORDER BY "complaints_complaint"\."received_at" (ASC|DESC)', sql), sql
    assert re.search(r'"complaints_complaint"\."status" (IN \(|= )', sql), sql
    read = set(COLUMN.findall(sql))
    assert read - _covered_columns() == set(), sql
