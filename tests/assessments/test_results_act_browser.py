"""The leader in charge's 约谈提醒 in Chromium: from the workspace to the record of the talk.

Final 2026 results of the hand-built county, published: 孙副县长 (in_charge) finds U5's talk
on the workspace, is refused a record without a place (in Chinese, nothing saved), then
records it. Screenshots go to test-results/<test name>/.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments import scoring, services
from assessments.models import AssessmentScheme, ReminderTalk
from campaign import services as campaign_services
from tests.assessments.county import build_county
from tests.otp import browser_login
from units import services as unit_services
from units.models import Responsibility, Unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_leader_in_charge_records_a_talk(cast, monkeypatch, live_server, page, output_dir):
    monkeypatch.setattr(
        scoring, "fact_cutoff", lambda year, today=None: datetime.date(year + 1, 1, 1)
    )
    county = build_county(cast.officer)
    unit_services.responsibility_assign(
        person=cast.in_charge.person,
        unit=county["units"]["U5"],
        role=Responsibility.Role.LEADER_IN_CHARGE,
        start_date=datetime.date(2026, 1, 1),
    )
    campaign = campaign_services.campaign_create(
        name="2026年作风建设年活动",
        year=2026,
        scope=Unit.objects.get(code="T"),
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        actor=cast.officer,
    )
    campaign_services.campaign_activate(campaign=campaign, actor=cast.officer)
    scheme = county["scheme"]
    services.scheme_compute(scheme_id=scheme.pk)
    services.scheme_publish(
        scheme=AssessmentScheme.objects.get(pk=scheme.pk), actor=cast.officer, public=False
    )
    talk = ReminderTalk.objects.get(scheme=scheme, unit=county["units"]["U5"])

    browser_login(page, live_server.url, "in_charge")
    panel = page.get_by_test_id("talks-panel")
    panel.wait_for()
    assert "单位U5" in panel.inner_text()
    page.screenshot(path=str(output_dir / "01-workspace-talks.png"), full_page=True)

    panel.get_by_role("link", name="单位U5").click()
    form = page.get_by_test_id("talk-record-form")
    form.wait_for()
    form.locator("input[name=talk_date]").fill(timezone.localdate().isoformat())
    form.locator("textarea[name=attendees]").fill("孙副县长、单位U5主要负责人")
    form.locator("textarea[name=content]").fill("指出考核排名靠后的原因，要求限期整改。")
    form.locator("textarea[name=commitments]").fill("一个月内完成整改并书面报告。")
    # The place is left empty: the browser's own check is bypassed to reach the server's.
    form.evaluate("f => f.noValidate = true")
    form.get_by_role("button").click()
    page.get_by_text("这个字段是必填项").first.wait_for()
    page.screenshot(path=str(output_dir / "02-record-refused.png"), full_page=True)
    talk.refresh_from_db()
    assert talk.status == ReminderTalk.Status.OPEN

    form = page.get_by_test_id("talk-record-form")
    form.locator("input[name=place]").fill("县政府三楼会议室")
    form.evaluate("f => f.noValidate = true")
    form.get_by_role("button").click()
    page.get_by_test_id("talk-record").wait_for()
    page.screenshot(path=str(output_dir / "03-talk-held.png"), full_page=True)
    talk.refresh_from_db()
    assert talk.status == ReminderTalk.Status.DONE
    assert talk.place == "县政府三楼会议室"
