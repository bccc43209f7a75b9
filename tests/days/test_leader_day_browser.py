"""The leader's day on the demo county, in Chromium.

lingdao (县长) signs in, opens the assessment dashboard from the workspace (every unit ranked
on an axis from 0, the 一票否决 shown on the ranking), drills into a unit's result and one of
its deductions, and follows a line of the month's 月点评 to a list filtered to what the line
counts. Screenshots go to test-results/<test name>/.
"""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentResult, AssessmentScheme
from tests.otp import browser_login
from units.management.commands.seed_demo import DEFAULT_PASSWORD
from units.models import Digest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_leader_day(demo, live_server, page, shot):
    scheme = AssessmentScheme.objects.get(year=timezone.localdate().year)
    browser_login(page, live_server.url, "lingdao", password=DEFAULT_PASSWORD)
    shot("workspace")

    # The dashboard: every unit of the ranking, the vetoed ones marked on it.
    page.get_by_role("link", name="考核分析").first.click()
    page.wait_for_url("**" + reverse("assessments:dashboard", args=[scheme.pk]))
    table = page.get_by_test_id("ranking-table")
    table.wait_for()
    chart = page.get_by_test_id("chart-ranking")
    chart.scroll_into_view_if_needed()
    ranked = AssessmentResult.objects.filter(scheme=scheme, rank_overall__isnull=False).count()
    assert table.locator("tbody tr").count() == ranked
    vetoed = AssessmentResult.objects.filter(Q(vetoed=True) | Q(veto_excellent=True), scheme=scheme)
    assert vetoed.exists()
    assert page.get_by_test_id("veto-badge").count() >= vetoed.count()
    shot("dashboard")

    # One unit's result with deductions, then the record behind one of them.
    result = AssessmentResult.objects.get(scheme=scheme, unit__code="SLX-SCJ")
    assert scheme.adjustment_lines.filter(unit=result.unit).exists()
    table.get_by_role("link", name=result.unit.name, exact=True).click()
    page.wait_for_url("**" + reverse("assessments:result_detail", args=[result.pk]))
    page.get_by_test_id("total").wait_for()
    shot("unit-result")
    evidence = page.get_by_test_id("evidence").locator("a").first
    evidence.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.is_visible()
    assert "无权" not in page.content()
    shot("deduction-evidence")

    # The month's 月点评: a line's link opens a list filtered to what it counts.
    digest = Digest.objects.get(
        kind=Digest.Kind.MONTHLY, title__startswith="月点评"
    )  # the county's
    page.goto(live_server.url + reverse("units:digest_detail", args=[digest.pk]))
    shot("monthly-digest")
    page.get_by_role("link", name="逾期未办结投诉举报", exact=True).first.click()
    page.wait_for_load_state()
    assert "?" in page.url
    assert "无权" not in page.content()
    assert page.locator("table tbody tr").count() > 0
    shot("digest-line-list")
    page.go_back()
    page.get_by_role("link", name="待审核的销号申请", exact=True).first.click()
    page.wait_for_load_state()
    assert "无权" not in page.content()
    shot("digest-line-closures")
