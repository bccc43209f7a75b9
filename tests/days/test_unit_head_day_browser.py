"""The unit head's day on the demo county, in Chromium.

danwei (县市场监督管理局) signs in to a workspace with this week's notices (not the year's),
filters the unit's rectification ledger and complaint list, opens the case with the
complainant's photo (its thumbnail, number and size; never who sent it) and answers it, asks
for 销号 on an item (a refused attachment keeps the typed evidence) and hands in a required
material. Screenshots go to test-results/<test name>/.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaign.models import Campaign, Deliverable, RectificationItem, Submission
from complaints.demo import PHOTO_CASE_TITLE
from complaints.models import Complaint
from tests.days.conftest import images_loaded
from tests.otp import browser_login
from units.management.commands.seed_demo import DEFAULT_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EVIDENCE = "已在窗口醒目位置公示办事指南和一次性告知单，对首问责任人开展专题培训，附公示照片。"


def test_unit_head_day(demo, live_server, page, shot):
    danwei = get_user_model().objects.get(username="danwei")
    # This week's notices wait unread; the year's were read when they came.
    assert danwei.notifications.filter(read_at__isnull=True).count() < 40
    browser_login(page, live_server.url, "danwei", password=DEFAULT_PASSWORD)
    case = Complaint.objects.get(title=PHOTO_CASE_TITLE)
    assert case.number in page.get_by_test_id("workspace-notices").inner_text()
    shot("workspace")

    # The ledger, filtered to the items in progress.
    campaign = Campaign.objects.get(status=Campaign.Status.ACTIVE)
    page.goto(live_server.url + reverse("campaign:ledger", args=[campaign.pk]))
    page.locator("select[name=status]").select_option("in_progress")
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url("**status=in_progress**")
    statuses = page.locator("table tbody tr td:last-child").all_inner_texts()
    assert statuses and all("整改中" in s for s in statuses)
    shot("ledger-in-progress")

    # The unit's complaints, searched: the case with the photo.
    page.goto(live_server.url + reverse("complaints:mine"))
    page.locator("#filter_q").fill("营业执照")
    page.get_by_test_id("filter-submit").click()
    page.wait_for_url("**q=**")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    shot("complaints-searched")
    rows.first.get_by_role("link", name=case.number).click()
    page.wait_for_url("**" + reverse("complaints:detail", args=[case.pk]))

    # The photo as a thumbnail, by number and size, served to the unit; never the sender.
    attachment = page.get_by_test_id("attachment")
    thumbnail = attachment.get_by_test_id("thumbnail")
    thumbnail.wait_for()
    images_loaded(page)
    assert thumbnail.evaluate("img => img.naturalWidth") == 320
    text = attachment.inner_text()
    assert "附件1.png" in text and "KB" in text
    content = page.content()
    assert "陈女士" not in content and "13912345678" not in content
    assert "窗口现场照片.png" not in content  # the file's name could say who took it
    shot("case-with-photo")

    form = page.locator("form[action$='/answer/']")
    form.locator("textarea[name=facts]").fill(
        "经调查核实，窗口工作人员未按规定一次性告知所需材料，情况属实。"
    )
    form.get_by_label("属实", exact=True).check()
    form.locator("textarea[name=measures]").fill(
        "对当事工作人员批评教育，修订一次性告知单并在窗口公示。"
    )
    form.locator("textarea[name=public_reply]").fill(
        "感谢您的监督。经核查，问题属实，已对相关人员批评教育并完善一次性告知制度。"
    )
    form.get_by_test_id("answer").click()
    page.locator(".alert-success").wait_for()
    case.refresh_from_db()
    assert case.status == Complaint.Status.ANSWERED
    shot("case-answered")

    # 销号: the typed evidence survives a refused attachment, then goes in without it.
    item = (
        RectificationItem.objects.filter(
            unit__code="SLX-SCJ", status=RectificationItem.Status.IN_PROGRESS
        )
        .order_by("pk")
        .first()
    )
    page.goto(live_server.url + reverse("campaign:item_detail", args=[item.pk]))
    closure = page.get_by_test_id("closure-form")
    closure.locator("textarea[name=evidence]").fill(EVIDENCE)
    closure.locator("input[name=attachment]").set_input_files(
        {
            "name": "公示照片.exe",
            "mimeType": "application/octet-stream",
            "buffer": b"MZ\x90\x00" * 64,
        }
    )
    closure.get_by_role("button", name="申请销号").click()
    closure = page.get_by_test_id("closure-form")
    closure.locator(".invalid-feedback, .alert-danger").first.wait_for()
    assert closure.locator("textarea[name=evidence]").input_value() == EVIDENCE
    shot("closure-attachment-refused")
    closure.get_by_role("button", name="申请销号").click()
    page.locator(".alert-success").wait_for()
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.CLOSURE_REQUESTED
    shot("closure-requested")

    # A required material handed in.
    deliverable = Deliverable.objects.get(campaign=campaign, title="自查报告")
    page.goto(live_server.url + reverse("campaign:deliverables"))
    row = page.get_by_test_id("my-deliverables").locator("tr", has_text="自查报告")
    row.locator("textarea[name=text]").fill(
        "县市场监督管理局作风建设自查报告：查摆问题8条，已建立整改台账。"
    )
    row.get_by_role("button", name="报送").click()
    page.locator(".alert-success").wait_for()
    assert Submission.objects.filter(deliverable=deliverable, unit__code="SLX-SCJ").exists()
    shot("deliverable-handed-in")
