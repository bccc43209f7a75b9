"""Results and figures out: assessment rankings, public circulars, rectification and complaint
figures, and a client's cases by ticket, each read through the pages' own selectors."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from assessments import selectors as assessment_selectors
from assessments import services as assessment_services
from assessments.models import AssessmentScheme
from campaign import selectors as campaign_selectors
from campaign import services as campaign_services
from campaign.models import Circular, RectificationItem
from complaints import selectors as complaint_selectors
from complaints.models import Complaint
from tests.api.conftest import keyed, make_client
from tests.api.test_changes import push
from tests.assessments.county import build_county
from tests.campaign.conftest import campaign_start, item_drive
from tests.complaints.conftest import complaint_drive
from tests.factories import make_unit
from units.models import IntegrationClient

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/assessments/schemes/"
CIRCULARS = "/api/v1/campaign/circulars/"
CAMPAIGNS = "/api/v1/campaign/campaigns/"
COMPLAINT_FIGURES = "/api/v1/complaints/figures/"
TICKETS = "/api/v1/complaints/"


def ranking_url(year: int) -> str:
    return f"/api/v1/assessments/schemes/{year}/results/"


def figures_url(campaign) -> str:
    return f"/api/v1/campaign/campaigns/{campaign.pk}/figures/"


def reader(name: str = "门户网站", *, unit=None) -> APIClient:
    """A key of a client that reads results (and nothing else)."""
    client = IntegrationClient.objects.filter(name=name).first() or make_client(
        name, unit=unit, push_complaints=False, read_status=False, read_results=True
    )
    return keyed(client)


@pytest.fixture
def session(client_for):
    """session(user) → a person's signed-in browser session (two-factor passed for staff)."""
    return client_for


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def every_page(api: APIClient, url: str, size: int, **params) -> list[dict]:
    collected, page = [], 1
    while True:
        body = api.get(url, {**params, "page": page, "page_size": size})
        assert body.status_code == 200, body.content
        data = body.json()
        collected += data["results"]
        if data["next"] is None:
            assert len(collected) == data["count"]
            return collected
        page += 1


def same_queries(api: APIClient, url: str, **params) -> tuple[int, int]:
    """Queries of a 3-row page and of a 30-row page of the same list."""
    counts = []
    for size in (3, 30):
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(url, {**params, "page_size": size})
        assert len(response.json()["results"]) == size, response.content
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


# --- the scope --------------------------------------------------------------------------


@pytest.fixture
def campaign(cast):
    return campaign_start(cast)


def test_every_endpoint_refuses_a_key_without_read_results_and_a_call_without_key(
    cast, campaign, hotline
):
    # The hotline's key pushes and reads status, but may not read results.
    api = keyed(hotline)
    urls = [SCHEMES, ranking_url(2026), CIRCULARS, CAMPAIGNS, figures_url(campaign)]
    for url in [*urls, COMPLAINT_FIGURES]:
        refused = api.get(url)
        assert refused.status_code == 403, (url, refused.content)
        assert refused.json()["detail"]
        assert APIClient().get(url).status_code == 401, url
        assert reader().post(url, {}, format="json").status_code == 405, url


# --- assessment results -----------------------------------------------------------------


@pytest.fixture
def county(cast):
    data = build_county(cast.officer, extra_units=18)  # 30 units
    assessment_services.scheme_compute(scheme_id=data["scheme"].pk)
    data["scheme"].refresh_from_db()
    return data


def publish(cast, scheme: AssessmentScheme, public: bool = False) -> AssessmentScheme:
    return assessment_services.scheme_publish(scheme=scheme, actor=cast.officer, public=public)


def test_an_unpublished_scheme_never_appears(cast, county, session):
    assert county["scheme"].status == AssessmentScheme.Status.COMPUTED
    api = reader()
    assert rows(api.get(SCHEMES)) == []
    assert api.get(ranking_url(county["scheme"].year)).status_code == 404
    # Not for a leader either, who reads the computed results on the dashboard.
    leader = session(cast.leader)
    assert rows(leader.get(SCHEMES)) == []
    assert leader.get(ranking_url(county["scheme"].year)).status_code == 404


def test_the_ranking_is_the_dashboards_in_rank_order(cast, county, session):
    scheme = publish(cast, county["scheme"])
    api = reader()
    schemes = rows(api.get(SCHEMES))
    assert [(s["year"], s["name"], s["public_results"]) for s in schemes] == [
        (scheme.year, scheme.name, False)
    ]
    got = every_page(api, ranking_url(scheme.year), 7)
    expected = list(assessment_selectors.ranking(scheme=scheme))
    assert [r["unit"]["code"] for r in got] == [r.unit.code for r in expected]
    assert [r["rank_overall"] for r in got] == [r.rank_overall for r in expected]
    first, top = got[0], expected[0]
    assert first["total"] == f"{top.total:.2f}" and first["grade"] == top.grade
    assert first["group"] == {"id": top.group.pk, "name": top.group.name}
    # The leader's session reads the same ranking.
    assert every_page(session(cast.leader), ranking_url(scheme.year), 100) == got
    # One group: ranked within it.
    group = county["units"]["U1"].group
    in_group = rows(api.get(ranking_url(scheme.year), {"group": group.pk}))
    assert [r["rank_in_group"] for r in in_group] == list(range(1, len(in_group) + 1))
    assert {r["group"]["id"] for r in in_group} == {group.pk}
    assert api.get(ranking_url(scheme.year), {"group": "x"}).status_code == 400
    assert api.get(ranking_url(scheme.year + 1)).status_code == 404


def test_a_client_limited_to_a_unit_sees_only_its_subtree(cast, county):
    scheme = publish(cast, county["scheme"])
    unit = county["units"]["U3"]
    api = reader(unit=unit)
    got = rows(api.get(ranking_url(scheme.year)))
    assert [r["unit"]["code"] for r in got] == [unit.code]
    # Its rank is the county's, not a rank among what it sees.
    mine = assessment_selectors.ranking(scheme=scheme).get(unit=unit)
    assert got[0]["rank_overall"] == mine.rank_overall
    # A client of a subtree without results sees no scheme at all.
    elsewhere = reader("教育局平台", unit=cast.dept_b)
    assert rows(elsewhere.get(SCHEMES)) == []
    assert elsewhere.get(ranking_url(scheme.year)).status_code == 404


def test_a_unit_head_reads_only_their_units_results(cast, county, session):
    scheme = publish(cast, county["scheme"])
    # head_a answers for dept_a, which the sample county's scheme does not rank.
    head = session(cast.head_a)
    assert rows(head.get(SCHEMES)) == []
    assert head.get(ranking_url(scheme.year)).status_code == 404


def test_ranking_pages_are_stable_and_cost_the_same_for_3_and_30_rows(cast, county, session):
    scheme = publish(cast, county["scheme"])
    api = reader()
    by_five = every_page(api, ranking_url(scheme.year), 5)
    by_seven = every_page(api, ranking_url(scheme.year), 7)
    assert by_five == by_seven and len(by_five) == 30
    assert len({r["id"] for r in by_five}) == 30  # no row twice, none missed
    small, large = same_queries(api, ranking_url(scheme.year))
    assert small == large
    small, large = same_queries(session(cast.leader), ranking_url(scheme.year))
    assert small == large


# --- public circulars -------------------------------------------------------------------


def circular(cast, campaign, title: str, *, publish: bool = True, public: bool = True):
    made = campaign_services.circular_create(
        campaign=campaign,
        kind=Circular.Kind.PROGRESS,
        title=title,
        body="各单位整改进展情况通报如下。",
        actor=cast.officer,
    )
    if publish:
        made = campaign_services.circular_publish(
            circular=made, actor=cast.officer, is_public=public
        )
    return made


def test_only_what_the_public_circulars_page_shows(cast, campaign, session):
    circular(cast, campaign, "草稿通报", publish=False)
    circular(cast, campaign, "内部通报", public=False)
    shown = [circular(cast, campaign, f"第{n}期公开通报") for n in range(1, 4)]
    expected = list(campaign_selectors.public_circulars().order_by("-published_at", "-pk"))
    assert {c.pk for c in expected} == {c.pk for c in shown}
    for api in (reader(), session(cast.head_b)):
        got = rows(api.get(CIRCULARS))
        assert [c["id"] for c in got] == [c.pk for c in expected]
        assert {c["title"] for c in got} == {c.title for c in shown}
        assert got[0]["campaign"]["name"] == campaign.name
        assert got[0]["kind"] == Circular.Kind.PROGRESS and got[0]["kind_display"]


def test_circular_pages_are_stable_and_cost_the_same(cast, campaign):
    for n in range(30):
        circular(cast, campaign, f"第{n}期公开通报")
    api = reader()
    assert every_page(api, CIRCULARS, 4) == every_page(api, CIRCULARS, 9)
    small, large = same_queries(api, CIRCULARS)
    assert small == large


# --- rectification figures --------------------------------------------------------------


def test_rectification_figures_are_the_campaign_pages(cast, campaign, session):
    S = RectificationItem.Status
    item_drive(cast, campaign, S.CLOSED)
    item_drive(cast, campaign, S.SUBMITTED)
    item_drive(cast, campaign, S.ACCEPTED, unit=cast.division_a)
    item_drive(cast, campaign, S.SUBMITTED, unit=cast.dept_b, actor=cast.head_b)
    page = campaign_selectors.unit_figures(user=cast.officer, campaign=campaign)
    expected = [
        (
            u.code,
            u.items,
            u.closed,
            u.overdue,
            u.late,
            None if u.closure_rate is None else f"{u.closure_rate:.1f}",
        )
        for u in page
    ]

    def seen(got):
        return [
            (r["unit"]["code"], r["items"], r["closed"], r["overdue"], r["late"], r["closure_rate"])
            for r in got
        ]

    assert seen(rows(reader().get(figures_url(campaign)))) == expected
    assert seen(rows(session(cast.officer).get(figures_url(campaign)))) == expected
    # A client limited to dept_a: dept_a and its division, not dept_b.
    scoped = rows(reader("市场监管平台", unit=cast.dept_a).get(figures_url(campaign)))
    assert {r["unit"]["code"] for r in scoped} == {cast.dept_a.code, cast.division_a.code}
    assert seen(scoped) == [row for row in expected if row[0] != cast.dept_b.code]
    # A unit head reads the figures their page shows: their own units'.
    head = rows(session(cast.head_b).get(figures_url(campaign)))
    assert [r["unit"]["code"] for r in head] == [cast.dept_b.code]
    # By month: the items filed this month, with the campaign's totals.
    months = rows(reader().get(figures_url(campaign), {"by": "month"}))
    totals = campaign_selectors.campaign_totals(user=cast.officer, campaign=campaign)
    assert len(months) == 1 and months[0]["month"] == months[0]["label"]
    assert (months[0]["items"], months[0]["closed"]) == (totals["items"], totals["closed"])
    assert months[0]["unit"] is None
    assert reader().get(figures_url(campaign), {"by": "week"}).status_code == 400


def test_figures_of_a_campaign_out_of_reach_are_404(cast, campaign, session):
    township_campaign = campaign_start_in(cast, cast.township)
    api = reader("市场监管平台", unit=cast.dept_a)
    assert api.get(figures_url(township_campaign)).status_code == 404
    assert api.get(figures_url(campaign)).status_code == 200
    assert [c["id"] for c in rows(api.get(CAMPAIGNS))] == [campaign.pk]
    assert {c["id"] for c in rows(reader().get(CAMPAIGNS))} == {campaign.pk, township_campaign.pk}
    # A person: the campaigns the pages list for them.
    assert session(cast.head_b).get(figures_url(township_campaign)).status_code == 404


def campaign_start_in(cast, unit):
    created = campaign_services.campaign_create(
        name="城关镇作风整顿",
        year=2026,
        scope=unit,
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 12, 31),
        actor=cast.officer,
    )
    return campaign_services.campaign_activate(campaign=created, actor=cast.officer)


def test_rectification_figure_pages_cost_the_same_for_3_and_30_units(cast, campaign):
    for n in range(30):
        unit = make_unit(f"附属单位{n}", parent=cast.dept_b, code=f"SLX-JYJ-{n}")
        campaign_services.item_create(
            campaign=campaign,
            unit=unit,
            actor=cast.head_b,
            problem="窗口授权不到位",
            deadline=campaign.end_date,
        )
        RectificationItem.objects.filter(unit=unit).update(status=RectificationItem.Status.ACCEPTED)
    api = reader()
    assert every_page(api, figures_url(campaign), 4) == every_page(api, figures_url(campaign), 11)
    small, large = same_queries(api, figures_url(campaign))
    assert small == large


# --- complaint figures ------------------------------------------------------------------


@pytest.fixture
def complaints(cast, category):
    made = [
        complaint_drive(cast, category, Complaint.Status.CLOSED),
        complaint_drive(cast, category, Complaint.Status.ASSIGNED),
        complaint_drive(cast, category, Complaint.Status.REJECTED),
        complaint_drive(cast, category, Complaint.Status.ANSWERED, unit=cast.dept_b),
        complaint_drive(cast, category, Complaint.Status.ACCEPTED, unit=cast.division_a),
    ]
    return made


COUNTED = ("total", "accepted", "closed", "closed_on_time", "overdue", "late", "satisfied")


def figure_rows(got: list[dict]) -> list[tuple]:
    return [(r["label"], *(r[k] for k in COUNTED)) for r in got]


def test_complaint_figures_are_the_figures_pages(cast, complaints, session):
    for by in ("unit", "month"):
        expected = figure_rows(complaint_selectors.figures(user=cast.officer, by=by))
        assert expected
        assert figure_rows(rows(reader().get(COMPLAINT_FIGURES, {"by": by}))) == expected
        officer = session(cast.officer)
        assert figure_rows(rows(officer.get(COMPLAINT_FIGURES, {"by": by}))) == expected
    by_unit = rows(reader().get(COMPLAINT_FIGURES))
    codes = {r["unit"]["code"] for r in by_unit}
    assert codes == {cast.dept_a.code, cast.dept_b.code, cast.division_a.code}
    year = complaints[0].received_at.year
    assert figure_rows(rows(reader().get(COMPLAINT_FIGURES, {"year": year}))) == figure_rows(
        by_unit
    )
    assert rows(reader().get(COMPLAINT_FIGURES, {"year": year - 1})) == []
    assert reader().get(COMPLAINT_FIGURES, {"by": "channel"}).status_code == 400


def test_a_client_limited_to_a_unit_gets_its_subtrees_complaint_figures(cast, complaints):
    api = reader("市场监管平台", unit=cast.dept_a)
    county = {
        r[0]: r for r in figure_rows(complaint_selectors.figures(user=cast.officer, by="unit"))
    }
    got = figure_rows(rows(api.get(COMPLAINT_FIGURES)))
    assert {r[0] for r in got} == {cast.dept_a.name, cast.division_a.name}
    # Each unit's row is the county's row for it.
    assert all(county[r[0]] == r for r in got)
    months = rows(api.get(COMPLAINT_FIGURES, {"by": "month"}))
    assert [m["total"] for m in months] == [4]  # dept_b's case is not theirs


def test_complaint_figures_take_the_figures_pages_permission(cast, complaints, session):
    refused = session(cast.outsider).get(COMPLAINT_FIGURES)
    assert refused.status_code == 403


def test_complaint_figure_pages_cost_the_same_for_3_and_30_units(cast, category):
    for n in range(30):
        unit = make_unit(f"附属单位{n}", parent=cast.township, code=f"SLX-CGZ-{n}")
        complaint_drive(cast, category, Complaint.Status.REGISTERED, unit=unit)
    api = reader()
    assert every_page(api, COMPLAINT_FIGURES, 4) == every_page(api, COMPLAINT_FIGURES, 13)
    small, large = same_queries(api, COMPLAINT_FIGURES)
    assert small == large


# --- a client's cases by ticket ---------------------------------------------------------


def test_a_client_finds_its_own_case_by_ticket(cast, api, hotline, session):
    mine = push(api, "12345-T-1")
    other = keyed(make_client("另一平台"))
    push(other, "12345-T-1")  # the same number at another client: another case
    found = rows(api.get(TICKETS, {"ticket": "12345-T-1"}))
    assert [c["id"] for c in found] == [mine.pk]
    assert found[0]["ticket"] == "12345-T-1"
    assert rows(api.get(TICKETS, {"ticket": "12345-T-404"})) == []
    assert api.get(TICKETS).status_code == 400  # the ticket is required
    # read_status is the scope; a session does not list tickets (they are a client's).
    pusher = keyed(make_client("只推送", read_status=False))
    assert pusher.get(TICKETS, {"ticket": "12345-T-1"}).status_code == 403
    assert APIClient().get(TICKETS, {"ticket": "12345-T-1"}).status_code == 401
    assert session(cast.officer).get(TICKETS, {"ticket": "x"}).status_code == 401
