"""The evaluator's and the leader in charge's day on the demo county, in Chromium.

kaoping (考评人员) signs in, finds this year's units still to score on the workspace, scores
one and sees it counted. fenguan (分管副县长) signs in, reads the supervised units' results,
opens one unit's rectification ledger and its complaints, and the dashboard confined to
the supervised units. Screenshots go to test-results/<test name>/.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentScheme, Evaluation
from tests.otp import browser_login
from units.management.commands.seed_demo import DEFAULT_PASSWORD
from units.models import Unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


def test_evaluator_scores_a_unit_from_the_workspace(demo, live_server, page, output_dir):
    kaoping = get_user_model().objects.get(username="kaoping")
    scheme = AssessmentScheme.objects.get(year=timezone.localdate().year)
    browser_login(page, live_server.url, "kaoping", password=DEFAULT_PASSWORD)
    panel = page.get_by_test_id("evaluation-panel")
    panel.wait_for()
    assert scheme.name in panel.inner_text()
    assert page.get_by_test_id("my-units").count() == 0  # no "you answer for no unit"
    page.screenshot(path=str(output_dir / "01-evaluator-workspace.png"), full_page=True)

    # The landing page of the navigation: every unit of each scheme, progress, deadline.
    page.goto(live_server.url + reverse("assessments:evaluation_index"))
    page.get_by_test_id("evaluation-scheme").first.wait_for()
    page.screenshot(path=str(output_dir / "02-evaluator-assignments.png"), full_page=True)

    page.goto(live_server.url + reverse("units:workspace"))
    before = Evaluation.objects.filter(scheme=scheme, evaluator=kaoping).count()
    first = panel.locator("tbody tr").first
    unit_name = first.locator("td").first.inner_text().strip()
    first.get_by_role("link").click()
    page.wait_for_url("**/units/**")
    page.locator("input[name^=score_]").first.wait_for()
    inputs = page.locator("input[name^=score_]")
    count = inputs.count()
    for index in range(count):
        box = inputs.nth(index)
        box.fill(str(int(float(box.get_attribute("max")) * 0.9)))
    page.screenshot(path=str(output_dir / "03-evaluator-scoring.png"), full_page=True)
    page.get_by_role("button", name="保存打分").click()
    page.wait_for_url("**" + reverse("assessments:evaluation_home", args=[scheme.pk]))
    page.get_by_test_id("evaluation-units").wait_for()
    assert Evaluation.objects.filter(scheme=scheme, evaluator=kaoping).count() == before + count
    unit = Unit.objects.get(name=unit_name)
    assert Evaluation.objects.filter(scheme=scheme, evaluator=kaoping, unit=unit).exists()
    page.screenshot(path=str(output_dir / "04-evaluator-saved.png"), full_page=True)


def test_leader_in_charge_drills_into_a_supervised_unit(demo, live_server, page, output_dir):
    browser_login(page, live_server.url, "fenguan", password=DEFAULT_PASSWORD)
    panel = page.get_by_test_id("my-results-panel")
    panel.wait_for()
    assert "县市场监督管理局" in panel.inner_text()
    page.screenshot(path=str(output_dir / "01-in-charge-workspace.png"), full_page=True)

    page.goto(live_server.url + reverse("assessments:my_results"))
    rows = page.get_by_test_id("unit-overview").get_by_test_id("unit-row")
    rows.first.wait_for()
    names = rows.all_inner_texts()
    assert any("县市场监督管理局" in n for n in names)
    assert not any("县教育局" in n for n in names)
    page.screenshot(path=str(output_dir / "02-in-charge-results.png"), full_page=True)

    row = rows.filter(has_text="县市场监督管理局").first
    row.get_by_test_id("link-ledger").click()
    page.wait_for_url("**/ledger/**")
    # The unit's items (its subtree's): the ledger is filtered to it, never empty in the demo.
    page.locator("table tbody tr td a").first.wait_for()
    page.screenshot(path=str(output_dir / "03-in-charge-ledger.png"), full_page=True)

    page.go_back()
    rows.first.wait_for()
    rows.filter(has_text="县市场监督管理局").first.get_by_test_id("link-complaints").click()
    page.wait_for_url("**/complaints/**")
    page.locator("table tbody tr td a").first.wait_for()
    page.screenshot(path=str(output_dir / "04-in-charge-complaints.png"), full_page=True)

    page.go_back()
    rows.first.wait_for()
    rows.filter(has_text="县市场监督管理局").first.get_by_test_id("link-result").click()
    page.wait_for_url("**/assessments/results/**")
    page.get_by_test_id("total").wait_for()
    page.screenshot(path=str(output_dir / "05-in-charge-result.png"), full_page=True)

    page.goto(live_server.url + reverse("assessments:my_results"))
    page.get_by_test_id("scoped-dashboard").click()
    page.wait_for_url("**/dashboard/**")
    table = page.get_by_test_id("ranking-table")
    table.wait_for()
    text = table.inner_text()
    assert "县市场监督管理局" in text and "县教育局" not in text
    page.screenshot(path=str(output_dir / "06-in-charge-dashboard.png"), full_page=True)


def test_officer_assigns_evaluators_on_their_page(demo, live_server, page, output_dir):
    """jiwei opens 考评分工 from the scheme page and gives kaoping one more unit and two
    indicators of it, by a deadline: she is told once."""
    scheme = AssessmentScheme.objects.get(year=timezone.localdate().year)
    kaoping = get_user_model().objects.get(username="kaoping")
    own = Unit.objects.get(code="SLX-ZFB")  # her own office, left out of her list so far
    notices = kaoping.notifications.count()
    browser_login(page, live_server.url, "jiwei", password=DEFAULT_PASSWORD)
    page.goto(live_server.url + reverse("assessments:scheme_detail", args=[scheme.pk]))
    page.get_by_test_id("assign-evaluators").click()
    page.wait_for_url("**/assignments/**")
    page.get_by_test_id("assignment-table").wait_for()
    page.screenshot(path=str(output_dir / "01-officer-assignments.png"), full_page=True)

    page.get_by_test_id("evaluator-choices").get_by_label("胡晓燕").check()
    indicators = list(scheme.indicators.order_by("component", "sort_order")[:2])
    for indicator in indicators:
        page.get_by_label(indicator.name, exact=True).check()
    page.locator(f"#unit_{own.pk}").check()
    page.locator("input[name=deadline]").fill(
        (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    )
    page.screenshot(path=str(output_dir / "02-officer-form.png"))
    page.get_by_test_id("assign-submit").click()
    page.locator(".alert-success").wait_for()
    page.screenshot(path=str(output_dir / "03-officer-assigned.png"))
    assert kaoping.notifications.count() == notices + 1
    assert sorted(
        scheme.assignments.filter(evaluator=kaoping, unit=own).values_list(
            "indicator_id", flat=True
        )
    ) == sorted(i.pk for i in indicators)
