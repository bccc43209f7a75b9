"""The whole journey in a real browser: public complaint → handling → public reply → rating."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from campaign import services as campaign_services
from campaign.models import Campaign, RectificationItem
from complaints.models import Complaint
from tests.complaints.conftest import NAME, PHONE
from tests.otp import browser_login
from tests.picker.helpers import pick_unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 300


def test_anonymous_complaint_journey(seed_data, live_server, cast, page, output_dir, settings):
    settings.COMPLAINTS_FORM_MIN_SECONDS = 0  # the time trap is tested elsewhere
    # 1. A member of the public files an anonymous complaint with a photo (phone-sized screen).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("complaints:public_submit"))
    page.get_by_label("标题").fill("窗口办事推诿")
    page.get_by_label("投诉内容").fill(
        "11月20日到县市场监督管理局窗口办理变更登记，被要求反复补材料。"
    )
    pick_unit(page, page.locator("select[name=subject_unit]"), "市场监督", "县市场监督管理局")
    page.locator("#id_attachments").set_input_files(
        files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.screenshot(path=str(output_dir / "01-public-form-mobile.png"), full_page=True)
    page.get_by_role("button", name="提交投诉").click()
    page.wait_for_url("**" + reverse("complaints:public_submitted"))
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert len(code.replace("-", "")) == 16
    page.screenshot(path=str(output_dir / "02-tracking-code-mobile.png"), full_page=True)
    complaint = Complaint.objects.get()
    assert not complaint.has_identity and complaint.attachments.count() == 1

    # 2. The officer accepts and assigns (unit suggested from the unit complained about).
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("complaints:queue"))
    page.get_by_role("link", name=complaint.number).click()
    page.get_by_test_id("accept").click()
    page.wait_for_selector("text=已受理。")
    assert page.locator("#assign_unit").input_value() == str(cast.dept_a.pk)
    page.screenshot(path=str(output_dir / "03-officer-assign.png"), full_page=True)
    page.get_by_test_id("assign").click()
    page.wait_for_selector("text=已交办。")

    # 3. The unit head answers.
    browser_login(page, live_server.url, "head_a")
    page.goto(live_server.url + reverse("complaints:mine"))
    page.screenshot(path=str(output_dir / "04-unit-workspace.png"), full_page=True)
    page.get_by_role("link", name=complaint.number).click()
    page.locator("#answer_facts").fill("经查，窗口人员未一次性告知所需材料。")
    page.get_by_label("部分属实").check()
    page.locator("#answer_measures").fill("对窗口人员批评教育，推行一次性告知。")
    page.locator("#answer_public_reply").fill(
        "经核查，情况部分属实，已责令整改，推行一次性告知制度。"
    )
    page.screenshot(path=str(output_dir / "05-unit-answer.png"), full_page=True)
    page.get_by_test_id("answer").click()
    page.wait_for_selector("text=办理结果已提交审核。")

    # 4. The officer accepts the answer.
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("complaints:detail", args=[complaint.pk]))
    page.get_by_label("审核通过").check()
    page.get_by_test_id("review").click()
    page.wait_for_selector("text=审核意见已提交。")

    # 5. The complainant reads the reply and rates the handling; the case closes.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("complaints:public_track"))
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    reply = page.get_by_test_id("public-reply").inner_text()
    assert "一次性告知制度" in reply
    assert "批评教育" not in page.content()  # internal measures stay internal
    page.get_by_label("满意", exact=True).check()
    page.screenshot(path=str(output_dir / "06-public-status-reply.png"), full_page=True)
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢参评")
    assert page.get_by_test_id("public-status").inner_text() == "已办结"
    page.screenshot(path=str(output_dir / "07-closed.png"), full_page=True)
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.satisfaction == "satisfied"

    # 6. The officer's ledger and figures.
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("complaints:figures") + "?by=channel")
    assert "网络信箱" in page.content() and "满意率" in page.content()
    page.screenshot(path=str(output_dir / "08-figures.png"), full_page=True)
    page.goto(live_server.url + reverse("units:workspace"))
    assert page.get_by_test_id("complaints-panel").is_visible()
    page.screenshot(path=str(output_dir / "09-officer-workspace.png"), full_page=True)


def test_officer_raises_a_rectification_item_from_a_substantiated_complaint(
    seed_data, live_server, cast, page, output_dir, make_complaint
):
    """One officer action: the item is on the unit's ledger, linked both ways."""
    created = campaign_services.campaign_create(
        name="2026年作风建设年",
        year=2026,
        scope=cast.root,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        template=Campaign.Template.ANNUAL,
        actor=cast.officer,
    )
    campaign = campaign_services.campaign_activate(campaign=created, actor=cast.officer)
    complaint = make_complaint("closed")

    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + complaint.get_absolute_url())
    form = page.get_by_test_id("follow-up")
    assert page.locator("#follow_up_problem").input_value() == complaint.title
    assert page.locator("#follow_up_campaign").input_value() == str(campaign.pk)
    page.locator("#follow_up_problem").fill("窗口工作人员推诿扯皮，群众办事多次往返")
    page.locator("#follow_up_working_days").fill("10")
    page.locator("#follow_up_kind").select_option("warning_talk")
    page.locator("#follow_up_reason").fill("推诿扯皮属实")
    form.screenshot(path=str(output_dir / "10-follow-up-form.png"))
    page.get_by_test_id("follow-up-submit").click()
    page.get_by_test_id("raised-items").wait_for()
    page.screenshot(path=str(output_dir / "11-complaint-with-item.png"), full_page=True)
    item = RectificationItem.objects.get()
    page.get_by_test_id("raised-items").get_by_role("link").first.click()
    page.wait_for_url("**" + item.get_absolute_url())
    page.get_by_test_id("source-record").click()
    page.wait_for_url("**" + complaint.get_absolute_url())

    browser_login(page, live_server.url, "head_a")
    page.goto(live_server.url + reverse("campaign:ledger", args=[campaign.pk]))
    assert "群众办事多次往返" in page.content()
    page.screenshot(path=str(output_dir / "12-unit-ledger.png"), full_page=True)
    page.goto(live_server.url + item.get_absolute_url())
    assert NAME not in page.content() and PHONE not in page.content()
