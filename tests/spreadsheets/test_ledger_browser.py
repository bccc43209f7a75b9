"""A unit head files an office-made ledger in Chromium, on the demo county.

danwei (县市场监督管理局's head) uploads the ledger a clerk saved with LibreOffice: a merged
title row, a subtitle and a blank row above the header, deadlines typed as 2026年12月31日,
2026.12.31, 2026/12/31, a serial number, a 长期坚持 row without a deadline, notes under the
table. The preview names the header row and lists the rows with their Excel numbers; one
click files them, a second click files nothing; the ledger shows them with the right dates.
Screenshots go to test-results/<test name>/.
"""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from campaign.models import Campaign, RectificationItem
from tests.otp import browser_login
from units.management.commands.seed_demo import DEFAULT_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


def test_unit_head_imports_a_libreoffice_ledger_with_a_title_row(
    demo, live_server, page, output_dir
):
    campaign = Campaign.objects.filter(status=Campaign.Status.ACTIVE).order_by("-year").first()
    before = RectificationItem.objects.filter(campaign=campaign).count()
    browser_login(page, live_server.url, "danwei", password=DEFAULT_PASSWORD)
    url = live_server.url + reverse("campaign:ledger_import", args=[campaign.pk])
    page.goto(url)
    page.locator("#id_file").set_input_files(str(CORPUS / "ledger_office.ods"))
    page.screenshot(path=str(output_dir / "01-upload.png"), full_page=True)
    page.locator("form[enctype] button").click()

    preview = page.get_by_test_id("import-preview")
    preview.wait_for()
    assert "ledger_office.ods" in page.get_by_test_id("header-row").inner_text()
    assert "4" in page.get_by_test_id("header-row").inner_text()  # row 4 is the header
    rows = page.get_by_test_id("preview-row")
    assert rows.count() == 20
    first = rows.first.inner_text()
    assert first.startswith("5") and "窗口服务不规范问题1" in first and "2026-12-31" in first
    assert "按期完成" in first  # a formula's value, as LibreOffice saved it
    assert RectificationItem.objects.filter(campaign=campaign).count() == before
    page.screenshot(path=str(output_dir / "02-preview.png"), full_page=True)

    page.get_by_test_id("confirm-import").click()
    page.wait_for_url("**" + reverse("campaign:ledger", args=[campaign.pk]))
    new = RectificationItem.objects.filter(
        campaign=campaign, problem__startswith="窗口服务不规范问题"
    )
    assert new.count() == 20
    assert new.get(problem="窗口服务不规范问题1").deadline == datetime.date(2026, 12, 31)
    assert new.get(problem="窗口服务不规范问题2").deadline == datetime.date(2026, 12, 31)
    assert new.get(problem="窗口服务不规范问题7").deadline == datetime.date(2026, 6, 30)
    long_term = new.get(problem="窗口服务不规范问题18")
    assert long_term.long_term and long_term.deadline == campaign.end_date
    assert set(new.values_list("unit__code", flat=True)) == {"SLX-SCJ"}
    page.screenshot(path=str(output_dir / "03-after-confirm.png"), full_page=True)

    # The ledger lists them with their dates (and 长期坚持 in the deadline's place).
    page.goto(
        live_server.url + reverse("campaign:ledger", args=[campaign.pk]) + "?q=窗口服务不规范问题"
    )
    table = page.locator("table").first
    table.wait_for()
    text = table.inner_text()
    assert "窗口服务不规范问题1" in text and "2026-12-31" in text and "2026-06-30" in text
    page.screenshot(path=str(output_dir / "04-ledger.png"), full_page=True)

    # Back in the browser's history, the confirmation sent again files nothing.
    page.go_back()
    page.go_back()
    page.wait_for_url("**/ledger/import/**")
    if page.get_by_test_id("confirm-import").count():
        page.get_by_test_id("confirm-import").click()
        page.wait_for_url("**" + reverse("campaign:ledger", args=[campaign.pk]))
    assert new.count() == 20
    page.screenshot(path=str(output_dir / "05-second-click.png"), full_page=True)
    page.goto("about:blank")  # no request left in flight when the database is reset
