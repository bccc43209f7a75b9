"""A supervisor's visit in Chromium: sign in, find the units watched on the workspace, file a
察访 report; the officer turns it into a finding and the supervisor reads the outcome.
Screenshots go to test-results/<test name>/."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import SupervisorReport
from tests.campaign.conftest import campaign_start
from tests.otp import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_files_a_report_the_officer_turns_into_a_finding(
    cast, live_server, page, output_dir
):
    campaign = campaign_start(cast)
    browser_login(page, live_server.url, "supervisor")
    panel = page.get_by_test_id("supervisor-panel")
    panel.wait_for()
    assert cast.dept_a.name in panel.inner_text()
    page.screenshot(path=str(output_dir / "01-supervisor-workspace.png"), full_page=True)

    panel.get_by_role("link").first.click()
    form = page.get_by_test_id("report-form")
    form.wait_for()
    form.locator("input[name=place]").fill("政务服务中心市场监管窗口")
    form.locator("textarea[name=observation]").fill("上班时间窗口无人，群众排队二十分钟无人受理。")
    form.locator("input[name=verdict][value=problem]").check()
    page.screenshot(path=str(output_dir / "02-report-form.png"), full_page=True)
    form.get_by_role("button").first.click()
    page.get_by_test_id("report-status").wait_for()
    report = SupervisorReport.objects.get()
    assert report.unit == cast.dept_a and report.status == "submitted"

    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + report.get_absolute_url())
    convert = page.get_by_test_id("convert-form")
    convert.wait_for()
    convert.locator("select[name=campaign]").select_option(str(campaign.pk))
    convert.locator("select[name=severity]").select_option("major")
    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    convert.locator("input[name=deadline]").fill(deadline)
    page.screenshot(path=str(output_dir / "03-officer-decides.png"), full_page=True)
    convert.get_by_role("button").click()
    page.get_by_test_id("finding").wait_for()
    report.refresh_from_db()
    assert report.status == "converted" and report.finding is not None

    browser_login(page, live_server.url, "supervisor")
    page.goto(live_server.url + reverse("campaign:supervisor_report_detail", args=[report.pk]))
    page.get_by_test_id("finding").wait_for()
    assert page.get_by_test_id("convert-form").count() == 0
    page.screenshot(path=str(output_dir / "04-supervisor-reads-outcome.png"), full_page=True)
