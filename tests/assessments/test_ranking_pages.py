"""The leaders' ranking (every unit of the page, two decimals, vetoes named) and the scheme page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments import services
from assessments.views import results as result_views
from tests.assessments.county import build_county

pytestmark = pytest.mark.django_db

EXTRA_UNITS = 25  # 37 units in all: more than the 30 the chart used to keep


@pytest.fixture
def county(cast):
    data = build_county(cast.officer, extra_units=EXTRA_UNITS)
    services.scheme_compute(scheme_id=data["scheme"].pk)
    data["scheme"].refresh_from_db()
    return data


def _dashboard(client, county, **params):
    return client.get(reverse("assessments:dashboard", args=[county["scheme"].pk]), params)


def test_chart_has_every_unit_of_the_page_with_two_decimal_labels(client_for, county, cast):
    response = _dashboard(client_for(cast.leader), county)
    results = response.context["results"]
    bars = response.context["charts"]["ranking"]
    assert len(results) == len(county["units"]) == 12 + EXTRA_UNITS
    # Every unit of the page, in the table's order: the bottom ones too.
    assert [bar["name"] for bar in bars] == [r.unit.display_name for r in results]
    for bar, result in zip(bars, results, strict=True):
        assert re.fullmatch(r"\d+\.\d\d", bar["label"]), bar
        assert bar["label"] == f"{result.total:.2f}"
    # As the table prints it: "97.60", never "97.6".
    assert bars[0]["label"] == "97.60"
    html = response.content.decode()
    assert 'data-chart="ranking"' in html and f'data-units="{len(results)}"' in html


def test_vetoed_units_are_named_on_the_ranking_with_the_reason(client_for, county, cast):
    response = _dashboard(client_for(cast.leader), county)
    bars = {bar["name"]: bar for bar in response.context["charts"]["ranking"]}
    u1 = county["units"]["U1"].display_name  # 问责通报批评: cannot be excellent
    u7 = county["units"]["U7"].display_name  # 党纪处分 (serious): no promotion either
    assert bars[u1]["veto"] and "问责通报批评" in bars[u1]["reason"]
    assert "不得评为优秀" in bars[u1]["reason"]
    assert bars[u7]["veto"] and "严重问责" in bars[u7]["reason"]
    assert not bars[county["units"]["U2"].display_name]["veto"]
    assert response.context["charts"]["labels"]["veto"] == "一票否决"
    html = response.content.decode()
    badges = re.findall(r'data-testid="veto-badge">', html)
    assert len(badges) == sum(1 for bar in bars.values() if bar["veto"]) == 2
    assert 'title="问责通报批评：不得评为优秀"' in html
    assert 'data-testid="veto-reason">问责通报批评：不得评为优秀<' in html


def test_a_later_page_charts_its_own_units(client_for, county, cast, monkeypatch):
    monkeypatch.setattr(result_views, "DASHBOARD_PAGE", 10)
    response = _dashboard(client_for(cast.leader), county, page=2)
    results = response.context["results"]
    assert results[0].rank_overall > 1
    bars = response.context["charts"]["ranking"]
    assert [bar["name"] for bar in bars] == [r.unit.display_name for r in results]
    assert "第 11–20 名，共 37 个单位" in response.content.decode()


def test_group_ranking_charts_the_group(client_for, county, cast):
    group = county["units"]["U1"].group
    response = _dashboard(client_for(cast.leader), county, group=group.pk)
    bars = response.context["charts"]["ranking"]
    assert len(bars) == 6 and len(response.context["results"]) == 6


def test_dashboard_queries_stay_flat_with_the_veto_reasons(
    client_for, county, cast, django_assert_max_num_queries
):
    client = client_for(cast.leader)
    _dashboard(client, county)
    with django_assert_max_num_queries(20):
        _dashboard(client, county)


def test_scheme_page_shows_labels_not_codes_and_says_top_or_bottom(client_for, county, cast):
    html = (
        client_for(cast.officer)
        .get(reverse("assessments:scheme_detail", args=[county["scheme"].pk]))
        .content.decode()
    )
    rules = html[html.index("加扣分规则") :]
    for code in ("admonition_talk", "reminder_talk", "criticism", "serious", "minor", "major"):
        assert not re.search(rf"\b{code}\b", re.sub(r"<[^>]+>", " ", rules)), code
    assert "问责 · 诫勉谈话" in rules and "问责 · 提醒谈话" in rules
    recognition = re.findall(r'data-testid="recognition-rule">([^<]+)<', html)
    assert sorted(recognition) == sorted(
        ["通报表扬：组内前 2 名", "通报表扬：总排名前 3 名", "分管领导约谈提醒：总排名后 2 名"]
    )
