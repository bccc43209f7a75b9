"""Every role's day, for the evaluator and the leader in charge (issue 14, item 2).

The evaluator lands on what they have to score (per scheme: units, indicators, progress,
deadline), never on "you answer for no unit". The leader in charge reads their supervised
units' results, and from each unit goes to its result, score details, ledger and complaints;
the county dashboard opens for them confined to those units. Outside units answer 404.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentResult, AssessmentScheme, EvaluationAssignment
from campaign import services as campaign_services
from complaints import services as complaint_services
from complaints.models import Complaint, ComplaintCategory
from tests.campaign.conftest import campaign_start
from units.models import Notification, Unit

pytestmark = pytest.mark.django_db

NO_UNIT = "You are not currently responsible for or supervising any unit"
NO_UNIT_ZH = "您目前没有负责或分管的单位"


# --- The evaluator ---------------------------------------------------------------------------


@pytest.fixture
def scoring(cast):
    """A scheme being scored: the evaluator has dept_a (every indicator, a deadline), dept_b
    (two indicators) and the township, dept_a fully scored."""
    scheme = services.scheme_create_with_defaults(year=2026, actor=cast.officer)
    scheme = services.scheme_open(scheme=scheme, actor=cast.officer)
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    services.evaluation_assignments_create(
        scheme=scheme,
        evaluators=[cast.evaluator],
        units=[cast.dept_a, cast.township],
        deadline=deadline,
        actor=cast.officer,
    )
    two = list(scheme.indicators.order_by("component", "sort_order")[:2])
    services.evaluation_assignments_create(
        scheme=scheme,
        evaluators=[cast.evaluator],
        units=[cast.dept_b],
        indicators=two,
        actor=cast.officer,
    )
    services.evaluations_record(
        scheme=scheme,
        evaluator=cast.evaluator,
        scores=[(cast.dept_a, i, Decimal("1"), "") for i in scheme.indicators.all()],
    )
    return {"scheme": scheme, "deadline": deadline, "two": two}


def test_evaluator_lands_on_their_assignments(client_for, cast, scoring):
    scheme, total = scoring["scheme"], scoring["scheme"].indicators.count()
    client = client_for(cast.evaluator)
    page = client.get(reverse("units:workspace")).content.decode()
    assert NO_UNIT not in page and NO_UNIT_ZH not in page
    assert 'data-testid="evaluation-panel"' in page and scheme.name in page
    assert scoring["deadline"].isoformat() in page
    # The units still to score are listed with a way to score each; the scored one is not.
    for unit in (cast.dept_b, cast.township):
        assert unit.name in page
        assert reverse("assessments:evaluation_unit", args=[scheme.pk, unit.pk]) in page
    assert reverse("assessments:evaluation_unit", args=[scheme.pk, cast.dept_a.pk]) not in page
    # The landing page of the navigation: the units still to score, their indicators,
    # progress and deadline; the scheme's scoring page lists every unit.
    index = client.get(reverse("assessments:evaluation_index"))
    assert index.status_code == 200
    html = index.content.decode()
    assert f"0 / {total}" in html and "0 / 2" in html and f"{total} / {total}" not in html
    assert all(i.name in html for i in scoring["two"])
    home = client.get(reverse("assessments:evaluation_home", args=[scheme.pk])).content.decode()
    assert f"{total} / {total}" in home and f"0 / {total}" in home and "0 / 2" in home
    assert reverse("assessments:evaluation_index") in page  # the panel links to it


def test_evaluator_without_assignments_is_told_calmly(client_for, cast):
    client = client_for(cast.evaluator)
    page = client.get(reverse("units:workspace")).content.decode()
    assert NO_UNIT not in page and NO_UNIT_ZH not in page
    assert 'data-testid="evaluation-none"' in page
    index = client.get(reverse("assessments:evaluation_index"))
    assert index.status_code == 200 and 'data-testid="evaluation-none"' in index.content.decode()
    for user in (cast.head_a, cast.outsider):
        assert client_for(user).get(reverse("assessments:evaluation_index")).status_code == 404


def test_scoring_stays_open_once_the_nightly_run_computed_the_scheme(client_for, cast, scoring):
    """The nightly recompute turns a started scheme into computed (provisional) results:
    evaluators go on scoring until the results are published."""
    scheme = scoring["scheme"]
    services.scheme_compute(scheme_id=scheme.pk)
    assert AssessmentScheme.objects.get(pk=scheme.pk).status == AssessmentScheme.Status.COMPUTED
    client = client_for(cast.evaluator)
    url = reverse("assessments:evaluation_unit", args=[scheme.pk, cast.township.pk])
    indicators = list(scheme.indicators.all())
    assert client.post(url, {f"score_{i.pk}": "1" for i in indicators}).status_code == 302
    home = client.get(reverse("assessments:evaluation_home", args=[scheme.pk])).content.decode()
    assert f"{len(indicators)} / {len(indicators)}" in home
    scheme.refresh_from_db()
    # The scores came in after the computation: publishing waits for a new one.
    with pytest.raises(ValidationError):
        services.scheme_publish(scheme=scheme, actor=cast.officer, public=False)
    services.scheme_compute(scheme_id=scheme.pk)
    scheme.refresh_from_db()
    services.scheme_publish(scheme=scheme, actor=cast.officer, public=False)
    assert client.get(url).status_code == 404
    index = client.get(reverse("assessments:evaluation_index")).content.decode()
    assert url not in index  # listed as history, no way to score


def test_evaluator_landing_query_count(client_for, cast, scoring, django_assert_max_num_queries):
    client = client_for(cast.evaluator)
    client.get(reverse("units:workspace"))
    with django_assert_max_num_queries(25):
        assert client.get(reverse("assessments:evaluation_index")).status_code == 200


# --- The leader in charge ----------------------------------------------------------------------


@pytest.fixture
def supervised(cast):
    """A published year with results for the three assessed units, a campaign with an item
    for each department and a complaint each handles."""
    scheme = services.scheme_create_with_defaults(year=2025, actor=cast.officer)
    scheme = services.scheme_open(scheme=scheme, actor=cast.officer)
    services.scheme_compute(scheme_id=scheme.pk)
    scheme = services.scheme_publish(
        scheme=AssessmentScheme.objects.get(pk=scheme.pk), actor=cast.officer, public=False
    )
    campaign = campaign_start(cast)
    category = ComplaintCategory.objects.get(name="服务态度")
    complaints = {}
    for unit in (cast.dept_a, cast.dept_b):
        campaign_services.item_raise(
            campaign=campaign,
            unit=unit,
            actor=cast.officer,
            problem=f"整改事项（{unit.name}）",
            deadline=datetime.date(2026, 12, 31),
        )
        complaint = complaint_services.complaint_submit(
            channel=Complaint.Channel.WEB,
            title=f"投诉（{unit.name}）",
            content="办事推诿。",
            category=category,
            subject_unit=unit,
        )
        complaint = complaint_services.complaint_accept(complaint=complaint, actor=cast.officer)
        complaints[unit.pk] = complaint_services.complaint_assign(
            complaint=complaint, unit=unit, actor=cast.officer
        )
    results = {r.unit_id: r for r in AssessmentResult.objects.filter(scheme=scheme)}
    return {"scheme": scheme, "campaign": campaign, "results": results, "complaints": complaints}


def _links(cast, supervised, unit: Unit) -> dict[str, str]:
    result = supervised["results"][unit.pk]
    return {
        "result": reverse("assessments:result_detail", args=[result.pk]),
        "ledger": reverse("campaign:ledger", args=[supervised["campaign"].pk]) + f"?unit={unit.pk}",
        "complaints": reverse("complaints:list") + f"?unit={unit.pk}&amp;status=",
        "unit": reverse("units:unit_detail", args=[unit.pk]),
    }


def test_leader_in_charge_reads_and_drills_into_their_units(client_for, cast, supervised):
    client = client_for(cast.in_charge)
    page = client.get(reverse("assessments:my_results"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "本单位考核结果" not in html  # the page is about the supervised units
    assert cast.dept_a.name in html and cast.dept_b.name not in html
    links = _links(cast, supervised, cast.dept_a)
    for href in links.values():
        assert href in html, href
    # Every link answers, and shows that unit's work.
    for name, href in links.items():
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200, (name, href)
    ledger = client.get(links["ledger"]).content.decode()
    assert f"整改事项（{cast.dept_a.name}）" in ledger
    complaints = client.get(links["complaints"].replace("&amp;", "&")).content.decode()
    assert supervised["complaints"][cast.dept_a.pk].number in complaints
    # The scoped dashboard: the same view, the supervised unit only.
    dashboard = client.get(reverse("assessments:dashboard", args=[supervised["scheme"].pk]))
    assert dashboard.status_code == 200
    board = dashboard.content.decode()
    assert cast.dept_a.name in board and cast.dept_b.name not in board
    assert reverse("assessments:dashboard", args=[supervised["scheme"].pk]) in html
    export = client.get(reverse("assessments:results_export", args=[supervised["scheme"].pk]))
    assert export.status_code == 200


def test_leader_in_charge_gets_404_for_units_they_do_not_oversee(client_for, cast, supervised):
    client = client_for(cast.in_charge)
    other = _links(cast, supervised, cast.dept_b)
    assert client.get(other["result"]).status_code == 404
    assert client.get(other["unit"]).status_code == 404
    # Lists filtered to an outside unit show none of its work.
    ledger = client.get(other["ledger"]).content.decode()
    assert f"整改事项（{cast.dept_b.name}）" not in ledger
    complaints = client.get(other["complaints"].replace("&amp;", "&")).content.decode()
    assert supervised["complaints"][cast.dept_b.pk].number not in complaints
    # A scheme whose results they may not read (not published) is no dashboard of theirs.
    computed = services.scheme_create_with_defaults(year=2026, actor=cast.officer)
    computed = services.scheme_open(scheme=computed, actor=cast.officer)
    services.scheme_compute(scheme_id=computed.pk)
    assert client.get(reverse("assessments:dashboard", args=[computed.pk])).status_code == 404
    # Someone supervising nothing gets no dashboard at all.
    assert (
        client_for(cast.outsider)
        .get(reverse("assessments:dashboard", args=[supervised["scheme"].pk]))
        .status_code
        == 404
    )


def test_leader_in_charge_workspace_and_navigation(client_for, cast, supervised):
    page = client_for(cast.in_charge).get(reverse("units:workspace")).content.decode()
    assert 'data-testid="my-results-panel"' in page
    assert "本单位考核结果" not in page
    panel = page[page.index('data-testid="my-results-panel"') :]
    assert cast.dept_a.name in panel
    assert reverse("campaign:ledger", args=[supervised["campaign"].pk]) in panel
    # The unit head keeps "本单位" (their own unit).
    head = client_for(cast.head_a).get(reverse("assessments:my_results")).content.decode()
    assert cast.dept_a.name in head


def test_in_charge_pages_query_counts(client_for, cast, supervised, django_assert_max_num_queries):
    client = client_for(cast.in_charge)
    client.get(reverse("units:workspace"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("assessments:my_results")).status_code == 200
    with django_assert_max_num_queries(30):
        response = client.get(reverse("assessments:dashboard", args=[supervised["scheme"].pk]))
        assert response.status_code == 200


# --- The demo --------------------------------------------------------------------------------


def test_demo_evaluator_and_leader_in_charge_days(client_for):
    """On the demo county: kaoping has this year's units to score, by a deadline; fenguan
    drills into each supervised unit; nothing of theirs answers 404, outside units do."""
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    users = get_user_model().objects
    kaoping = users.get(username="kaoping")
    year = timezone.localdate().year
    scheme = AssessmentScheme.objects.get(year=year)
    assert scheme.status in (AssessmentScheme.Status.OPEN, AssessmentScheme.Status.COMPUTED)
    assert EvaluationAssignment.objects.filter(scheme=scheme, evaluator=kaoping).exists()
    assert Notification.objects.filter(recipient=kaoping, kind="assigned").count() == 1

    evaluator = client_for(kaoping)
    page = evaluator.get(reverse("units:workspace")).content.decode()
    assert NO_UNIT_ZH not in page and NO_UNIT not in page
    assert scheme.name in page
    index = evaluator.get(reverse("assessments:evaluation_index")).content.decode()
    pending = [
        u
        for u in Unit.objects.filter(
            pk__in=EvaluationAssignment.objects.filter(scheme=scheme, evaluator=kaoping).values(
                "unit_id"
            )
        )
        if reverse("assessments:evaluation_unit", args=[scheme.pk, u.pk]) in page
    ]
    assert len(pending) == 8  # the units still to score are on the workspace
    # She does not score her own office (回避); this year's section lists the rest.
    assert not EvaluationAssignment.objects.filter(
        scheme=scheme, evaluator=kaoping, unit__code="SLX-ZFB"
    ).exists()
    this_year = index[index.index(scheme.name) :]
    assert all(u.name in this_year for u in pending)

    fenguan = users.get(username="fenguan")
    client = client_for(fenguan)
    html = client.get(reverse("assessments:my_results")).content.decode()
    supervised = Unit.objects.filter(code__in=["SLX-SCJ", "SLX-SPJ", "SLX-ZWZX", "SLX-YJJ"])
    for unit in supervised:
        assert unit.name in html
    hrefs = [
        part.split('"', 1)[0].replace("&amp;", "&")
        for part in html.split('href="')[1:]
        if any(k in part[:60] for k in ("/results/", "/ledger/", "/complaints/?", "/dashboard/"))
    ]
    assert len(hrefs) >= 4 * len(supervised)
    for href in hrefs:
        assert client.get(href).status_code == 200, href
    # The department the demo's complaints and ledger are about has them to show.
    scj = Unit.objects.get(code="SLX-SCJ")
    ledger = next(h for h in hrefs if "/ledger/" in h and h.endswith(f"unit={scj.pk}"))
    assert "没有符合条件的事项" not in client.get(ledger).content.decode()
    outside = AssessmentResult.objects.filter(
        scheme__status=AssessmentScheme.Status.PUBLISHED, unit__code="SLX-JYJ"
    ).first()
    assert client.get(reverse("assessments:result_detail", args=[outside.pk])).status_code == 404
    assert client.get(reverse("units:unit_detail", args=[outside.unit_id])).status_code == 404
