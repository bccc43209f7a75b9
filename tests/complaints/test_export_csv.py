"""The streamed CSV export of the complaint ledger (any size in flat memory)."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from complaints import reports
from complaints.models import Complaint

NAME, PHONE = "张秘密", "13912345678"


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the Chinese only with the BOM
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_streams_every_visible_case_escaped_and_without_identity(
    client_for, cast, make_complaint
):
    make_complaint(title='=HYPERLINK("http://evil")')
    make_complaint(Complaint.Status.ASSIGNED, title="窗口推诿")
    response = client_for(cast.officer).get(reverse("complaints:export_csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="complaints-')
    rows = _csv(response)
    assert rows[0] == reports.EXPORT_COLUMNS
    assert sorted(row[3] for row in rows[1:]) == sorted(['\'=HYPERLINK("http://evil")', "窗口推诿"])
    text = "\n".join(",".join(row) for row in rows)
    assert NAME not in text and PHONE not in text
    # Open cases carry their age; the numbers match the database.
    assert {row[0] for row in rows[1:]} == set(Complaint.objects.values_list("number", flat=True))


def test_csv_export_follows_the_xlsx_permission(client_for, cast, make_complaint):
    make_complaint()
    assert client_for(cast.head_a).get(reverse("complaints:export_csv")).status_code == 403
    assert client_for(cast.officer).post(reverse("complaints:export_csv")).status_code == 405


def test_csv_export_chunks_large_ledgers(cast, make_complaint):
    make_complaint()
    chunks = list(reports.export_csv(Complaint.objects.all()))
    assert b"".join(chunks).decode("utf-8").count("\n") == 2


def test_an_export_from_the_list_holds_the_cases_the_list_shows(client_for, cast, make_complaint):
    """The list's export buttons carry its filters: the file holds what the page listed."""
    make_complaint(title="登记未受理")
    make_complaint(Complaint.Status.ASSIGNED, title="已交办件")
    make_complaint(Complaint.Status.CLOSED, title="已办结件")
    make_complaint(Complaint.Status.CLOSED, title="另一件办结", unit=cast.dept_b)
    client = client_for(cast.officer)

    # The list opens on the open cases: its buttons say so.
    page = client.get(reverse("complaints:list")).content.decode()
    assert f'href="{reverse("complaints:export_csv")}?status=open&amp;sort=new"' in page
    assert f'href="{reverse("complaints:export")}?status=open&amp;sort=new"' in page

    def titles(**query) -> list[str]:
        response = client.get(reverse("complaints:export_csv"), query)
        assert response.status_code == 200
        return sorted(row[3] for row in _csv(response)[1:])

    assert titles(status="open", sort="new") == ["已交办件", "登记未受理"]
    assert titles(status="closed") == ["另一件办结", "已办结件"]
    assert titles(status="closed", subject_unit=cast.dept_b.pk) == ["另一件办结"]
    assert titles(q="交办") == ["已交办件"]
    # Without the list's query string: every case the user sees, as before.
    assert len(titles()) == 4
    # A filter value the list would refuse is left out, as on the list.
    assert len(titles(status="no-such-status")) == 4
