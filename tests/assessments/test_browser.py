"""A leader opens the assessment dashboard in a real browser and drills into a deduction.

The rater's survey pages have their own journey: tests/assessments/test_survey_browser.py."""

import pytest
from django.urls import reverse

from assessments import services
from tests.assessments.county import build_county
from tests.otp import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _canvas_size(page, testid):
    return page.get_by_test_id(testid).locator("canvas").first.evaluate("c => [c.width, c.height]")


def test_leader_reads_dashboard_and_drills_into_a_deduction(live_server, cast, page, output_dir):
    county = build_county(cast.officer)
    scheme = county["scheme"]
    services.scheme_compute(scheme_id=scheme.pk)

    browser_login(page, live_server.url, "leader")
    assert page.get_by_test_id("assessment-panel").is_visible()

    page.get_by_role("link", name="年度考核", exact=True).click()
    page.get_by_role("link", name="考核分析").first.click()
    page.wait_for_url("**" + reverse("assessments:dashboard", args=[scheme.pk]))
    rows = page.get_by_test_id("ranking-table").locator("tbody tr")
    assert rows.count() == 12
    assert "单位U8" in rows.first.inner_text()
    for chart in ("chart-ranking", "chart-histogram", "chart-grades", "chart-trend"):
        width, height = _canvas_size(page, chart)
        assert width > 0 and height > 0, chart
    page.screenshot(path=str(output_dir / "dashboard.png"), full_page=True)

    page.get_by_test_id("group-tabs").get_by_role("link", name="甲组").click()
    page.wait_for_url("**?group=*")
    assert page.get_by_test_id("ranking-table").locator("tbody tr").count() == 6
    page.screenshot(path=str(output_dir / "dashboard-group.png"), full_page=True)

    page.get_by_test_id("ranking-table").get_by_role("link", name="-3.00").first.click()
    page.wait_for_url("**/assessments/results/**")
    lines = page.get_by_test_id("lines-table").locator("tbody tr")
    text = page.get_by_test_id("lines-table").inner_text()
    assert "问责通报批评" in text or "诫勉谈话" in text
    assert lines.count() >= 1
    width, height = _canvas_size(page, "chart-profile")
    assert width > 0 and height > 0
    page.screenshot(path=str(output_dir / "result-detail.png"), full_page=True)
