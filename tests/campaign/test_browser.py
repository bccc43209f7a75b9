"""The rectification journey in a real browser: file, submit, accept, progress, close or return."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import RectificationItem
from tests.campaign.roles_restore import ensure_roles
from tests.otp import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def file_item(page, problem: str, measures: str, deadline: datetime.date, *, another: bool) -> None:
    page.get_by_label("问题描述").fill(problem)
    page.get_by_label("整改措施").fill(measures)
    page.get_by_label("责任人", exact=True).fill("张科长")
    page.get_by_label("整改时限").fill(deadline.isoformat())
    page.get_by_role("button", name="保存并继续添加" if another else "保存", exact=True).click()


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    ensure_roles()


def test_rectification_journey(live_server, cast, campaign, page, output_dir):
    try:
        _journey(live_server, cast, campaign, page, output_dir)
    except Exception:
        page.screenshot(path=str(output_dir / "failure.png"), full_page=True)
        raise


def _journey(live_server, cast, campaign, page, output_dir):
    deadline = timezone.localdate() + datetime.timedelta(days=60)
    ledger_url = live_server.url + reverse("campaign:ledger", args=[campaign.pk])

    # 1. The unit head files two items and submits the list.
    browser_login(page, live_server.url, "head_a")
    assert page.get_by_test_id("campaign-panel").is_visible()
    page.screenshot(path=str(output_dir / "01-head-workspace.png"), full_page=True)
    page.get_by_test_id("campaign-panel").get_by_role("link", name="新增整改事项").click()
    page.get_by_label("问题类别").select_option(label="　窗口授权不到位")
    file_item(
        page, "窗口授权不到位，即办件不能在窗口立即办理", "向窗口充分授权", deadline, another=True
    )
    page.wait_for_selector("text=已加入清单（草稿）")
    file_item(page, "首问责任落实不力，群众来回跑", "落实一次性告知", deadline, another=False)
    page.wait_for_selector("text=已加入清单（草稿）")
    page.goto(ledger_url)
    assert page.get_by_test_id("ledger").locator("tbody tr").count() == 2
    page.screenshot(path=str(output_dir / "02-ledger-drafts.png"), full_page=True)
    page.get_by_test_id("submit-list-SLX-SCJ").click()
    page.wait_for_selector("text=已提交 2 项整改事项待审核")
    first, second = RectificationItem.objects.order_by("pk")
    assert {first.status, second.status} == {"submitted"}

    # 2. The officer accepts both from the review queue.
    browser_login(page, live_server.url, "officer")
    page.get_by_role("link", name="待审核").first.click()
    assert page.get_by_test_id("submitted-count").inner_text() == "2"
    page.screenshot(path=str(output_dir / "03-review-queue.png"), full_page=True)
    for item in (first, second):
        page.goto(live_server.url + reverse("campaign:item_detail", args=[item.pk]))
        page.get_by_test_id("accept").click()
        page.wait_for_selector("text=已确认。")
    page.screenshot(path=str(output_dir / "04-accepted.png"), full_page=True)

    # 3. The head posts progress with an attachment and requests closure of both.
    browser_login(page, live_server.url, "head_a")
    for item in (first, second):
        page.goto(live_server.url + reverse("campaign:item_detail", args=[item.pk]))
        form = page.get_by_test_id("progress-form")
        form.get_by_label("整改进展").fill("已制定授权清单并公示")
        form.get_by_label("附件").set_input_files(
            files=[
                {"name": "授权清单.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 test"}
            ]
        )
        form.get_by_role("button", name="报送进展").click()
        page.wait_for_selector("text=整改进展已报送。")
        closure = page.get_by_test_id("closure-form")
        closure.get_by_label("整改佐证").fill("授权清单已在窗口公示，即办件当场办结")
        closure.get_by_role("button", name="申请销号").click()
        page.wait_for_selector("text=已申请销号。")
    page.screenshot(path=str(output_dir / "05-closure-requested.png"), full_page=True)

    # 4. The officer verifies and closes one, returns the other.
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("campaign:review_queue"))
    assert page.get_by_test_id("closure-count").inner_text() == "2"
    page.goto(live_server.url + reverse("campaign:item_detail", args=[first.pk]))
    page.get_by_test_id("close-form").get_by_label("核查记录").fill("现场暗访核实，已整改到位")
    page.get_by_role("button", name="核查销号").click()
    page.wait_for_selector("text=已核查销号。")
    page.screenshot(path=str(output_dir / "06-closed.png"), full_page=True)
    page.goto(live_server.url + reverse("campaign:item_detail", args=[second.pk]))
    page.get_by_test_id("reject-form").get_by_label("理由").fill("群众反映仍需来回跑，佐证不足")
    page.get_by_role("button", name="退回继续整改").click()
    page.wait_for_selector("text=已退回。")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("closed", "in_progress")

    # 5. The figures and the ledger export reflect it.
    page.goto(live_server.url + reverse("campaign:campaign_detail", args=[campaign.pk]))
    assert page.get_by_test_id("total-items").inner_text() == "2"
    assert page.get_by_test_id("total-closed").inner_text() == "1"
    assert page.get_by_test_id("total-rate").inner_text() == "50.0%"
    row = page.locator('[data-unit="SLX-SCJ"]')
    assert "50.0%" in row.inner_text() and "100.0%" in row.inner_text()
    page.screenshot(path=str(output_dir / "07-overview.png"), full_page=True)
    page.goto(ledger_url)
    page.screenshot(path=str(output_dir / "08-ledger.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    path = download_info.value.path()
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    status_at = rows[1].index("状态")  # under the export's title row
    assert sorted(r[status_at] for r in rows[2:]) == ["已销号", "整改中"]
    page.goto("about:blank")  # no request left in flight when the database is reset
