"""Assessment pages: allowed role, outsider 404, read-only 403, wrong method, query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments import services
from assessments.models import AdjustmentRule, AssessmentScheme, Evaluation, Indicator
from tests.assessments.county import build_county
from units import services as unit_services
from units.models import Responsibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(cast):
    data = build_county(cast.officer)
    services.scheme_compute(scheme_id=data["scheme"].pk)
    data["scheme"].refresh_from_db()
    return data


def _result(county, code):
    return county["scheme"].results.get(unit=county["units"][code])


def test_leader_sees_dashboard_with_ranking_and_drill_down(client_for, county, cast):
    client = client_for(cast.leader)
    response = client.get(reverse("assessments:dashboard", args=[county["scheme"].pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "单位U8" in content and "97.60" in content
    assert 'data-chart="ranking"' in content and "vendor/echarts.min.js" in content
    assert [r.unit.code for r in response.context["results"]][:3] == ["T-U8", "T-U1", "T-U12"]
    group = county["units"]["U1"].group
    in_group = client.get(
        reverse("assessments:dashboard", args=[county["scheme"].pk]), {"group": group.pk}
    )
    assert [r.rank_in_group for r in in_group.context["results"]] == [1, 2, 3, 4, 5, 6]
    detail = client.get(reverse("assessments:result_detail", args=[_result(county, "U5").pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "诫勉谈话" in text and "已封顶" in text and "48.60" in text


def test_result_page_explains_tie_and_veto(client_for, county, cast):
    client = client_for(cast.leader)
    text = client.get(
        reverse("assessments:result_detail", args=[_result(county, "U1").pk])
    ).content.decode()
    assert "并列：2 个单位总分相同" in text
    assert "不得评为优秀" in text


def test_dashboard_outsiders_and_unit_heads_get_404(client_for, county, cast):
    url = reverse("assessments:dashboard", args=[county["scheme"].pk])
    for user in (cast.outsider, cast.head_a, cast.evaluator):
        assert client_for(user).get(url).status_code == 404
    result_url = reverse("assessments:result_detail", args=[_result(county, "U1").pk])
    assert client_for(cast.outsider).get(result_url).status_code == 404


def test_leader_is_read_only(client_for, county, cast):
    client = client_for(cast.leader)
    scheme = county["scheme"]
    assert client.post(reverse("assessments:scheme_compute", args=[scheme.pk])).status_code == 403
    assert client.post(reverse("assessments:scheme_publish", args=[scheme.pk])).status_code == 403
    survey = county["survey"]
    tokens = reverse("assessments:survey_tokens", args=[survey.pk])
    assert client.post(tokens, {"category": 1, "count": 5}).status_code == 403


def test_wrong_methods(client_for, county, cast):
    client = client_for(cast.officer)
    scheme = county["scheme"]
    assert client.get(reverse("assessments:scheme_compute", args=[scheme.pk])).status_code == 405
    assert client.post(reverse("assessments:dashboard", args=[scheme.pk])).status_code == 405
    assert client.post(reverse("assessments:scheme_list")).status_code == 405


def test_officer_recomputes_and_sees_progress(
    client_for, county, cast, django_capture_on_commit_callbacks
):
    client = client_for(cast.officer)
    scheme = county["scheme"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:scheme_compute", args=[scheme.pk]))
    assert response.status_code == 302
    progress = client.get(reverse("assessments:scheme_progress", args=[scheme.pk])).json()
    assert progress["state"] == "done" and progress["percent"] == 100
    page = client.get(reverse("assessments:scheme_detail", args=[scheme.pk])).content.decode()
    assert "已完成" in page and "100%" in page


def test_unit_head_sees_own_result_only_after_publishing(
    client_for, county, cast, django_capture_on_commit_callbacks
):
    person = cast.head_a.person
    unit_services.responsibility_assign(
        person=person,
        unit=county["units"]["U4"],
        role=Responsibility.Role.PRINCIPAL,
        start_date=datetime.date(2026, 1, 1),
    )
    client = client_for(cast.head_a)
    own = reverse("assessments:result_detail", args=[_result(county, "U4").pk])
    assert client.get(own).status_code == 404
    from units.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        services.scheme_publish(scheme=county["scheme"], actor=cast.officer, public=False)
    notice = Notification.objects.get(
        recipient=cast.head_a, object_key__startswith="assessment-published"
    )
    assert "结果已公布" in notice.title
    response = client.get(own)
    assert response.status_code == 200
    assert "诫勉谈话" in response.content.decode()
    other = reverse("assessments:result_detail", args=[_result(county, "U5").pk])
    assert client.get(other).status_code == 404
    mine = client.get(reverse("assessments:my_results")).content.decode()
    assert "单位U4" in mine and "单位U5" not in mine


def test_public_page_shows_only_public_published_rankings(client, county, cast):
    assert "尚未公布考核排名" in client.get(reverse("assessments:public_results")).content.decode()
    services.scheme_publish(scheme=county["scheme"], actor=cast.officer, public=True)
    text = client.get(reverse("assessments:public_results")).content.decode()
    assert "单位U8" in text and "97.60" in text
    assert "诫勉谈话" not in text
    assert client.get(reverse("assessments:public_results_year", args=[2020])).status_code == 404


def test_results_and_codes_export(client_for, county, cast):
    client = client_for(cast.leader)
    response = client.get(reverse("assessments:results_export", args=[county["scheme"].pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("2026年度作风建设考核　考核结果（导出日期：")  # the title row
    assert rows[1][:5] == ("总排名", "组内排名", "考核组别", "单位编码", "单位名称")
    assert rows[2][4] == "单位U8" and rows[2][0] == 1
    assert sheet.freeze_panes == "A3"
    survey = county["survey"]
    url = reverse("assessments:survey_tokens_export", args=[survey.pk])
    assert client.get(url).status_code == 403
    codes = client_for(cast.officer).get(url)
    book = load_workbook(BytesIO(codes.content)).active
    line = list(book.iter_rows(values_only=True))[1]
    assert line[2].startswith("http://testserver/assessments/survey/") and line[1] in line[2]


def test_dashboard_query_count_is_flat(client_for, county, cast, django_assert_max_num_queries):
    client = client_for(cast.leader)
    url = reverse("assessments:dashboard", args=[county["scheme"].pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        client.get(url)
    result_url = reverse("assessments:result_detail", args=[_result(county, "U5").pk])
    with django_assert_max_num_queries(20):
        client.get(result_url)


def test_copy_scheme_from_last_year(client_for, county, cast):
    client = client_for(cast.officer)
    response = client.post(reverse("assessments:scheme_copy"), {"year": 2027})
    copy = AssessmentScheme.objects.get(year=2027)
    assert response.status_code == 302
    assert copy.status == "draft" and copy.copied_from == county["scheme"]
    assert copy.name == "2027年度作风建设考核"
    assert set(copy.adjustment_rules.values_list("name", "points", "cap")) == set(
        county["scheme"].adjustment_rules.values_list("name", "points", "cap")
    )
    assert copy.indicators.count() == 3 and copy.grade_rules.count() == 3
    assert set(copy.groups.all()) == set(county["scheme"].groups.all())
    again = client.post(reverse("assessments:scheme_copy"), {"year": 2027}, follow=True)
    assert "2027年度已有考核方案" in again.content.decode()
    assert (
        client_for(cast.leader).post(reverse("assessments:scheme_copy"), {"year": 2028}).status_code
        == 403
    )


@pytest.fixture
def open_county(cast):
    data = build_county(cast.officer)
    services.evaluation_assign(
        scheme=data["scheme"],
        evaluator=cast.evaluator,
        units=[data["units"]["U1"], data["units"]["U2"]],
        actor=None,
    )
    return data


def test_evaluator_scores_item_by_item(client_for, open_county, cast):
    scheme, unit = open_county["scheme"], open_county["units"]["U1"]
    client = client_for(cast.evaluator)
    home = client.get(reverse("assessments:evaluation_home", args=[scheme.pk]))
    assert home.status_code == 200 and "单位U1" in home.content.decode()
    url = reverse("assessments:evaluation_unit", args=[scheme.pk, unit.pk])
    indicators = list(scheme.indicators.order_by("pk"))
    too_high = client.post(url, {f"score_{indicators[1].pk}": "51"})
    assert too_high.status_code == 400
    assert "的得分应在 0 至 50.00 之间" in too_high.content.decode()
    assert not Evaluation.objects.filter(evaluator=cast.evaluator).exists()
    ok = client.post(url, {f"score_{i.pk}": "40" for i in indicators})
    assert ok.status_code == 302
    assert Evaluation.objects.filter(evaluator=cast.evaluator, unit=unit).count() == 3
    # Not assigned, not an evaluator, wrong method.
    assert (
        client.get(
            reverse("assessments:evaluation_unit", args=[scheme.pk, open_county["units"]["U3"].pk])
        ).status_code
        == 404
    )
    assert client_for(cast.head_a).get(url).status_code == 404
    assert client_for(cast.evaluator).delete(url).status_code == 405


def _sheet(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["单位编码", "单位名称", "考核指标", "得分", "备注"])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "scores.xlsx"
    return out


def test_evaluation_import_is_all_or_nothing(client_for, open_county, cast):
    scheme = open_county["scheme"]
    client = client_for(cast.evaluator)
    url = reverse("assessments:evaluation_import", args=[scheme.pk])
    bad = client.post(
        url,
        {
            "file": _sheet(
                [
                    ["T-U1", "", "重点工作", 90, ""],
                    ["T-U3", "", "重点工作", 80, ""],
                    ["T-U2", "", "活动成果", "很好", ""],
                ]
            )
        },
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "第 3 行：单位编码“T-U3”不在您的考评范围内" in text
    assert "第 4 行：得分“很好”不是数字" in text
    assert not Evaluation.objects.filter(evaluator=cast.evaluator).exists()
    preview = client.post(
        url,
        {"file": _sheet([["T-U1", "", "重点工作", 90, "好"], ["T-U2", "", "活动成果", 45.5, ""]])},
    )
    assert preview.status_code == 200 and "确认导入" in preview.content.decode()
    assert not Evaluation.objects.filter(evaluator=cast.evaluator).exists()
    done = client.post(url, {"confirm": "1", "token": preview.context["token"]})
    assert done.status_code == 302
    assert set(
        Evaluation.objects.filter(evaluator=cast.evaluator).values_list("indicator__name", "score")
    ) == {("重点工作", Decimal("90.00")), ("活动成果", Decimal("45.50"))}
    # A token this session was not given finds nothing.
    token = preview.context["token"]
    other = token[:-1] + ("1" if token.endswith("0") else "0")
    tampered = client.post(url, {"confirm": "1", "token": other})
    assert tampered.status_code == 404


def test_rule_kinds_all_have_a_fact_source():
    from assessments import facts

    assert set(facts.SOURCES) == set(AdjustmentRule.Kind.values)
    assert Indicator  # imported for the fixtures above


def test_scheme_pages_and_survey_management(client_for, county, cast):
    officer = client_for(cast.officer)
    listing = officer.get(reverse("assessments:scheme_list"))
    assert listing.status_code == 200 and "2026年度作风建设考核" in listing.content.decode()
    detail = officer.get(reverse("assessments:scheme_detail", args=[county["scheme"].pk]))
    assert "诫勉谈话" in detail.content.decode() and "计算考核结果" in detail.content.decode()
    survey = county["survey"]
    page = officer.get(reverse("assessments:survey_detail", args=[survey.pk]))
    assert page.status_code == 200 and "基层群众" in page.content.decode()
    category = survey.categories.first()
    response = officer.post(
        reverse("assessments:survey_tokens", args=[survey.pk]),
        {"category": category.pk, "count": 25},
    )
    assert response.status_code == 302
    assert survey.tokens.filter(category=category).count() == 26
    bad = officer.post(
        reverse("assessments:survey_tokens", args=[survey.pk]),
        {"category": category.pk, "count": 0},
        follow=True,
    )
    assert "1 至 50000" in bad.content.decode()
    closed = officer.post(
        reverse("assessments:survey_status", args=[survey.pk]), {"target": "closed"}
    )
    assert closed.status_code == 302
    survey.refresh_from_db()
    assert survey.status == "closed"
    assert (
        client_for(cast.outsider)
        .get(reverse("assessments:survey_detail", args=[survey.pk]))
        .status_code
        == 404
    )
    # Unit heads are sent to their own results instead of the scheme list.
    assert client_for(cast.head_a).get(reverse("assessments:scheme_list")).url == reverse(
        "assessments:my_results"
    )


def test_navigation_and_workspace_panels(client_for, county, cast):
    page = client_for(cast.leader).get(reverse("units:workspace")).content.decode()
    assert "年度考核" in page and 'data-testid="assessment-panel"' in page
    head = client_for(cast.head_a).get(reverse("units:workspace")).content.decode()
    assert "本单位考核结果" in head


def test_evaluator_workspace_panel(client_for, open_county, cast):
    evaluator = client_for(cast.evaluator).get(reverse("units:workspace")).content.decode()
    assert 'data-testid="evaluation-panel"' in evaluator and "组织考评" in evaluator


def test_new_scheme_and_survey_from_the_pages(client_for, cast):
    client = client_for(cast.officer)
    response = client.post(reverse("assessments:scheme_new"), {"year": 2030})
    scheme = AssessmentScheme.objects.get(year=2030)
    assert response.status_code == 302 and scheme.name == "2030年度作风建设考核"
    assert scheme.adjustment_rules.count() == 16 and scheme.indicators.count() == 5
    made = client.post(reverse("assessments:survey_new", args=[scheme.pk]), {"open_mode": "on"})
    survey = scheme.surveys.get()
    assert made.url == reverse("assessments:survey_detail", args=[survey.pk])
    assert survey.open_mode and survey.title == "2030年度机关作风民主评议"
    assert set(survey.units.all()) == {cast.dept_a, cast.dept_b, cast.township}
    assert survey.categories.count() == 5 and survey.dimensions.count() == 8
    leader = client_for(cast.leader)
    assert leader.post(reverse("assessments:scheme_new"), {"year": 2031}).status_code == 403
    assert leader.post(reverse("assessments:survey_new", args=[scheme.pk])).status_code == 403


def test_survey_page_names_the_units_rated_per_group_and_counts_the_rest(
    client_for, county, cast, monkeypatch, django_assert_max_num_queries
):
    """A province's survey rates ten thousand units: per group, the first names and a count."""
    from assessments import selectors

    survey = county["survey"]
    officer = client_for(cast.officer)
    url = reverse("assessments:survey_detail", args=[survey.pk])
    rated = survey.units.all()
    body = officer.get(url).content.decode()
    for unit in rated:  # a county's few units: every name is there
        assert unit.name in body
    monkeypatch.setattr(selectors, "SURVEY_UNIT_NAMES", 1)
    groups = selectors.survey_units_by_group(survey=survey)
    assert sum(group["units"] for group in groups) == rated.count()
    assert all(len(group["names"]) == 1 for group in groups)
    assert all(group["more"] == group["units"] - 1 for group in groups)
    with django_assert_max_num_queries(20):
        body = officer.get(url).content.decode()
    many = next(group for group in groups if group["more"])
    assert f"等{many['units']}个单位" in body
    assert sum(unit.name in body for unit in rated) == len(groups)
