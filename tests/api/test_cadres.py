"""三挂钩 through the API: the Excel export's rows from the same selector, one object per
unit, paged; scope read_cadres (not read_results) or inspection staff's session; logged."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.conftest import keyed, make_client
from tests.people.conftest import cadre, campaign, record  # noqa: F401
from tests.people.test_export import published  # noqa: F401
from units import services as unit_services
from units.models import SecurityEvent

pytestmark = pytest.mark.django_db


def url(year: int = 2026) -> str:
    return f"/api/v1/assessments/cadres/{year}/"


def org_department(unit=None) -> APIClient:
    """The organisation department's system: reads results for cadres (only that)."""
    client = make_client(
        "组织部干部信息系统" if unit is None else f"组织部（{unit.name}）",
        unit=unit,
        push_complaints=False,
        read_status=False,
        read_cadres=True,
    )
    return keyed(client)


def every_row(api, year: int = 2026, size: int = 100) -> list[dict]:
    collected, page = [], 1
    while True:
        response = api.get(url(year), {"page": page, "page_size": size})
        assert response.status_code == 200, response.content
        body = response.json()
        collected += body["results"]
        if body["next"] is None:
            assert len(collected) == body["count"]
            return collected
        page += 1


def test_the_api_lists_what_the_excel_lists(client_for, cast, published):  # noqa: F811
    rows = {row["unit"]["code"]: row for row in every_row(org_department(), size=2)}
    dept_a = rows[cast.dept_a.code]
    assert dept_a["year"] == 2026
    assert dept_a["result"]["rank_overall"] == 5 and dept_a["result"]["grade"] == "poor"
    assert [flag["kind"] for flag in dept_a["flags"]] == ["no_new_promotion"]
    [leader] = dept_a["leaders"]
    assert leader["name"] == "赵局长" and leader["person_id"] == cast.head_a.person.pk
    assert [flag["kind"] for flag in leader["flags"]] == ["no_excellence_no_promotion"]
    assert [a["document_number"] for a in leader["accountability"]] == ["县纪发〔2026〕7号"]
    assert [x["name"] for x in rows[cast.dept_b.code]["leaders"]] == ["钱局长"]
    assert rows[cast.dept_b.code]["leaders"][0]["flags"] == []
    assert rows[cast.township.code]["leaders"] == []  # a unit without a team is still listed

    # The same units and the same cadres as the workbook, line for line.
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            client_for(cast.officer)
            .get(reverse("assessments:cadre_export"), {"year": 2026})
            .content
        )
    ).active
    lines = list(sheet.iter_rows(min_row=3, values_only=True))
    from_api = [
        (row["unit"]["name"], leader["name"])
        for row in rows.values()
        for leader in row["leaders"] or [{"name": None}]
    ]
    assert sorted(from_api, key=str) == sorted(
        [(line[0], line[9] or None) for line in lines], key=str
    )


def test_before_the_year_is_published_results_are_null_but_flags_are_listed(cast, record):  # noqa: F811
    rows = {row["unit"]["code"]: row for row in every_row(org_department())}
    assert rows[cast.dept_a.code]["result"] is None
    [leader] = rows[cast.dept_a.code]["leaders"]
    assert leader["accountability"][0]["kind"] == "warning_talk"


def test_reading_results_is_not_enough_and_a_call_without_key_is_401(cast):
    results_reader = keyed(
        make_client("门户网站", push_complaints=False, read_status=False, read_results=True)
    )
    refused = results_reader.get(url())
    assert refused.status_code == 403 and refused.json()["detail"]
    assert APIClient().get(url()).status_code == 401
    assert org_department().post(url(), {}, format="json").status_code == 405
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_a_client_limited_to_a_unit_reads_its_subtree_only(cast, published):  # noqa: F811
    codes = {row["unit"]["code"] for row in every_row(org_department(cast.dept_a))}
    assert cast.dept_a.code in codes and cast.dept_b.code not in codes
    assert cast.root.code not in codes


def test_a_session_reads_the_jurisdiction_as_the_excel(client_for, cast, published):  # noqa: F811
    township = {row["unit"]["code"] for row in every_row(client_for(cast.township_officer))}
    assert township and township <= {cast.dept_a.code, cast.division_a.code}
    assert cast.dept_b.code in {row["unit"]["code"] for row in every_row(client_for(cast.officer))}
    for who in ("head_a", "leader", "in_charge", "evaluator", "outsider"):
        refused = client_for(getattr(cast, who)).get(url())
        assert refused.status_code == 403, who


def test_every_call_is_logged_with_its_caller(client_for, cast, published):  # noqa: F811
    org_department().get(url(), {"page_size": 2})
    client_for(cast.officer).get(url())
    events = list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).order_by("pk"))
    assert [(e.user, e.username) for e in events] == [
        (None, "api:组织部干部信息系统"),
        (cast.officer, cast.officer.get_username()),
    ]
    assert "三挂钩 2026" in events[0].detail and events[0].path == url()


def test_a_year_out_of_range_and_a_page_past_the_end_are_404(cast):
    api = org_department()
    assert api.get(url(1999)).status_code == 404
    assert api.get(url(), {"page": 999}).status_code == 404


def test_pages_are_stable_and_cost_the_same_for_3_and_30_units(cast, published):  # noqa: F811
    for n in range(30):
        unit_services.unit_create(
            name=f"新单位{n}", code=f"NEW-{n:02d}", kind="department", parent=cast.root
        )
    api = org_department()
    rows = every_row(api, size=7)
    codes = [row["unit"]["code"] for row in rows]
    assert len(codes) == len(set(codes)) >= 34
    counts = []
    for size in (3, 30):
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(url(), {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
