"""三挂钩: the year's results, leaders and flags for the organisation department, logged."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.cadre_export import HEADERS
from assessments.models import AssessmentResult
from units.models import SecurityEvent

pytestmark = pytest.mark.django_db

URL = reverse("assessments:cadre_export")


@pytest.fixture
def published(cast, record):
    scheme = assessment_services.scheme_create_with_defaults(year=2026, actor=cast.officer)
    scheme = assessment_services.scheme_open(scheme=scheme, actor=cast.officer)
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    results = AssessmentResult.objects.filter(scheme=scheme)
    results.update(grade="good")
    results.filter(unit=cast.dept_a).update(grade="poor", rank_overall=5)
    scheme.refresh_from_db()
    return assessment_services.scheme_publish(scheme=scheme, actor=cast.officer, public=False)


def _rows(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "2026年度作风建设考核结果运用（三挂钩）" in rows[0][0]
    assert rows[1] == HEADERS
    return rows[2:]


def test_export_lists_results_leaders_flags_and_accountability(client_for, cast, published):
    response = client_for(cast.officer).get(URL, {"year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response)
    col = {name: HEADERS.index(name) for name in HEADERS}
    dept_a = [r for r in rows if r[col["单位"]] == cast.dept_a.name]
    assert [r[col["姓名"]] for r in dept_a] == ["赵局长"]
    row = dept_a[0]
    assert row[col["总排名"]] == 5
    assert row[col["考核等次"]]  # the grade's label (较差)
    assert "至" in row[col["单位标记（起止日期）"]]
    assert "至" in row[col["个人标记（起止日期）"]]
    assert "县纪发〔2026〕7号" in row[col["个人年度问责"]]
    dept_b = [r for r in rows if r[col["单位"]] == cast.dept_b.name]
    assert [r[col["姓名"]] for r in dept_b] == ["钱局长"]
    assert not dept_b[0][col["个人标记（起止日期）"]]
    # A unit without a leadership team still has its row.
    assert [r for r in rows if r[col["单位"]] == cast.township.name]
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.user == cast.officer and "2026" in event.detail


def test_export_is_scoped_to_the_jurisdiction(client_for, cast, published):
    rows = _rows(client_for(cast.township_officer).get(URL, {"year": 2026}))
    assert {r[0] for r in rows} <= {cast.dept_a.name, cast.division_a.name}
    assert cast.dept_a.name in {r[0] for r in rows}


@pytest.mark.parametrize("who", ["head_a", "leader", "in_charge", "outsider"])
def test_only_officers_export(client_for, cast, who):
    assert client_for(getattr(cast, who)).get(URL, {"year": 2026}).status_code == 403
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_export_query_count_is_flat(client_for, cast, published, django_assert_max_num_queries):
    client = client_for(cast.officer)
    with django_assert_max_num_queries(40) as small:
        client.get(URL, {"year": 2026})
    from units import services

    for n in range(20):
        services.unit_create(
            name=f"新单位{n}", code=f"NEW-{n}", kind="department", parent=cast.root
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL, {"year": 2026})
    assert len(_rows(response)) >= 24
