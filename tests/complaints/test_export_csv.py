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
