"""回头看 in a real browser: the campaign page links to the re-checks in the summary phase; the
officer draws a sample, confirms one item and finds another relapsed; the item reopens."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Phase, Recheck, RecheckEntry, RectificationItem
from tests.campaign.conftest import campaign_start, item_drive
from tests.otp import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_rechecks_closed_items(live_server, cast, page, output_dir):
    campaign = campaign_start(cast)
    today = timezone.localdate()
    last = campaign.phases.order_by("order").last()
    Phase.objects.filter(pk=last.pk).update(
        start_date=today - datetime.timedelta(days=3), end_date=today + datetime.timedelta(days=30)
    )
    for n in range(4):
        item_drive(cast, campaign, RectificationItem.Status.CLOSED, problem=f"窗口授权不到位-{n}")

    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("campaign:campaign_detail", args=[campaign.pk]))
    page.get_by_test_id("recheck-link").get_by_role("link").click()
    page.get_by_test_id("open-recheck").click()
    page.get_by_label("随机抽查已销号事项").check()
    page.get_by_label("抽查数量").fill("2")
    page.get_by_label("抽查种子").fill("2026-回头看")
    page.get_by_role("button", name="开展回头看").click()
    page.get_by_test_id("seed").wait_for()
    assert page.get_by_test_id("seed").inner_text() == "2026-回头看"
    rows = page.locator("tr[data-entry]")
    assert rows.count() == 2
    page.screenshot(path=str(output_dir / "01-recheck-drawn.png"), full_page=True)

    first, second = (int(rows.nth(i).get_attribute("data-entry")) for i in range(2))
    row = page.locator(f'tr[data-entry="{first}"]')
    row.locator(f"#confirm_{first}_note").fill("现场复查，窗口授权到位")
    row.get_by_role("button", name="确认整改巩固").click()
    page.locator(f'tr[data-entry="{first}"][data-status="confirmed"]').wait_for()
    row = page.locator(f'tr[data-entry="{second}"]')
    row.locator(f"#relapse_{second}_reason").fill("窗口再次出现即办件不能当场办结")
    row.locator(f"#relapse_{second}_working_days").fill("10")
    row.get_by_role("button", name="认定反弹，重新整改").click()
    page.locator(f'tr[data-entry="{second}"][data-status="relapsed"]').wait_for()
    page.screenshot(path=str(output_dir / "02-recheck-decided.png"), full_page=True)

    entry = RecheckEntry.objects.select_related("item").get(pk=second)
    assert entry.item.status == RectificationItem.Status.IN_PROGRESS
    assert Recheck.objects.get().seed == "2026-回头看"
    page.goto(live_server.url + reverse("campaign:item_detail", args=[entry.item_id]))
    page.get_by_test_id("item-rechecks").wait_for()
    page.screenshot(path=str(output_dir / "03-item-history.png"), full_page=True)
    page.goto(live_server.url + reverse("campaign:campaign_detail", args=[campaign.pk]))
    assert page.locator('[data-figure="relapsed"]').first.inner_text() == "1"
    page.screenshot(path=str(output_dir / "04-campaign-figures.png"), full_page=True)
