"""The officer's day in a real browser: a new complaint on the first page of the filtered
queue, the 督办 board with its days overdue, 督办 from the board, a photo shared with the
handling unit (who sees its thumbnail, never its name), 催报 on a deliverable."""

from __future__ import annotations

import datetime
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.models import RectificationItem, Reminder
from complaints import services as complaint_services
from complaints.models import Complaint, ComplaintCategory
from complaints.services import Upload
from tests.campaign.conftest import campaign_start, item_drive
from tests.otp import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _png(width: int = 160, height: int = 120) -> bytes:
    """A small real picture (a blue-to-green gradient), so the thumbnail shows something."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(
        b"\x00" + b"".join(bytes((40, 90 + x // 2, 160 + y // 2)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_officer_day_on_lists_and_board(live_server, cast, page, output_dir):
    campaign = campaign_start(cast)
    category = ComplaintCategory.objects.get(name="服务态度")
    today = timezone.localdate()
    item_drive(
        cast,
        campaign,
        RectificationItem.Status.ACCEPTED,
        deadline=today - datetime.timedelta(days=15),
        problem="政务服务窗口授权不到位，即办件不能当场办结",
    )
    complaint = complaint_services.complaint_submit(
        channel=Complaint.Channel.WEB,
        title="办理营业执照变更被反复要求补材料",
        content="11月20日到窗口办理变更登记，被要求反复补材料，见附件照片。",
        category=category,
        subject_unit=cast.dept_a,
        uploads=[
            Upload(
                file=SimpleUploadedFile("现场照片-张某.png", _png()),
                content_type="image/png",
                extension="png",
            )
        ],
    )
    complaint = complaint_services.complaint_accept(complaint=complaint, actor=cast.officer)
    complaint = complaint_services.complaint_assign(
        complaint=complaint, unit=cast.dept_a, actor=cast.officer
    )
    Complaint.objects.filter(pk=complaint.pk).update(deadline=today - datetime.timedelta(days=4))
    newest = complaint_services.complaint_submit(
        channel=Complaint.Channel.HOTLINE,
        title="12345热线转办：窗口人员上班时间玩手机",
        content="市民来电反映窗口人员上班时间玩手机。",
        category=category,
        subject_unit=cast.dept_b,
        actor=cast.officer,
    )

    # The intake queue: the new complaint first, the filters above the list.
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("complaints:queue"))
    assert page.locator("tbody tr").first.inner_text().startswith(newest.number)
    page.locator("#filter_channel").select_option("hotline")
    page.get_by_test_id("filter-submit").click()
    page.wait_for_url("**channel=hotline**")
    assert page.locator("tbody tr").count() == 1
    page.screenshot(path=str(output_dir / "01-queue-filtered.png"), full_page=True)

    # The 督办 board: the item and the complaint, most overdue first, in working days.
    page.goto(live_server.url + reverse("campaign:overdue_board"))
    rows = page.get_by_test_id("overdue-row")
    assert rows.count() == 2
    assert rows.first.get_attribute("data-kind") == "item"
    days = [int(d) for d in page.get_by_test_id("days-overdue").all_inner_texts()]
    assert days[0] > days[1] > 0
    page.screenshot(path=str(output_dir / "02-overdue-board.png"), full_page=True)
    row = page.locator('tr[data-kind="complaint"]')
    row.locator('input[name="text"]').fill("请于两个工作日内办结并报送结果")
    row.get_by_test_id("supervise").click()
    page.wait_for_selector(".alert-success")
    assert Reminder.objects.filter(kind="supervise").count() == 1
    page.screenshot(path=str(output_dir / "03-board-after-supervise.png"), full_page=True)

    # The case page: the photo with its name and thumbnail; the officer shares it.
    page.goto(live_server.url + reverse("complaints:detail", args=[complaint.pk]))
    page.get_by_test_id("share").click()
    page.wait_for_selector(".alert-success")
    page.get_by_test_id("thumbnail").wait_for()
    page.screenshot(path=str(output_dir / "04-case-officer.png"), full_page=True)

    # The deliverables: 催报 every unit that has not handed in.
    deliverable = campaign.deliverables.order_by("due_date", "pk").first()
    page.goto(live_server.url + reverse("campaign:deliverable_detail", args=[deliverable.pk]))
    page.get_by_test_id("urge-missing").get_by_role("button").click()
    page.wait_for_selector(".alert-success")
    assert Reminder.objects.filter(kind="urge_report").count() == 3
    page.screenshot(path=str(output_dir / "05-deliverable-urged.png"), full_page=True)

    # The unit head: the case's photo as a thumbnail, by number; the 督办 on record.
    browser_login(page, live_server.url, "head_a")
    page.goto(live_server.url + reverse("complaints:detail", args=[complaint.pk]))
    thumbnail = page.get_by_test_id("thumbnail")
    thumbnail.wait_for()
    # Served through the permission-checked view: the picture loads for the handling unit.
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 160", arg=thumbnail.element_handle()
    )
    assert "张某" not in page.content()
    page.get_by_test_id("reminders").wait_for()
    page.screenshot(path=str(output_dir / "06-case-unit-head.png"), full_page=True)
    page.goto(live_server.url + reverse("complaints:mine"))
    page.screenshot(path=str(output_dir / "07-unit-list-filters.png"), full_page=True)
