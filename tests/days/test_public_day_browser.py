"""The public's day on the demo county, in Chromium, with no login.

A citizen opens the front page (投诉举报, 查询办理进度, 公开通报, 考核结果, 民主评议), files an
anonymous complaint with a photo, follows it with the tracking code, reads a circular and
the published results, and a rater with a code from the demo's open survey answers it one
unit per page. Screenshots go to test-results/<test name>/.
"""

from __future__ import annotations

import struct
import zlib

import pytest
from django.urls import reverse

from assessments.models import Survey, SurveyResponse
from complaints.models import Complaint
from tests.picker.helpers import pick_unit
from units.models import Unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ENTRIES = ("投诉举报", "查询办理进度", "公开通报", "考核结果", "民主评议")


def _photo() -> bytes:
    """A 200×150 picture (a grey-blue gradient)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(
        b"\x00" + b"".join(bytes((120, 130 + x // 4, 160 + y // 3)) for x in range(200))
        for y in range(150)
    )
    header = struct.pack(">IIBBBBB", 200, 150, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_public_day(demo, live_server, page, shot):
    page.goto(live_server.url + "/")
    entries = page.get_by_test_id("public-entries")
    for heading in ENTRIES:
        assert entries.get_by_role("heading", name=heading, exact=True).is_visible()
    shot("front-page")

    # An anonymous complaint with a photo.
    page.get_by_role("link", name="我要投诉").click()
    page.wait_for_url("**" + reverse("complaints:public_submit"))
    page.get_by_label("标题").fill("县行政审批局窗口中午提前半小时停止办理业务")
    page.get_by_label("投诉内容").fill(
        "12月3日中午11点半到县行政审批局办理食品经营许可，窗口已经不接件，"
        "工作人员说下午再来。附现场照片。"
    )
    unit = Unit.objects.get(code="SLX-SPJ")
    pick_unit(page, page.locator("select[name=subject_unit]"), "行政审批", unit.name)
    page.locator("input[type=file]").set_input_files(
        {"name": "现场.png", "mimeType": "image/png", "buffer": _photo()}
    )
    shot("complaint-form")
    before = Complaint.objects.count()
    page.get_by_role("button", name="提交投诉").click()
    code_box = page.get_by_test_id("tracking-code")
    code_box.wait_for()
    code = code_box.inner_text().strip()
    assert Complaint.objects.count() == before + 1
    filed = Complaint.objects.order_by("-pk").first()
    assert not filed.has_identity and filed.attachments.count() == 1
    shot("complaint-filed")

    # Following it with the code.
    page.goto(live_server.url + reverse("complaints:public_track"))
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    status = page.get_by_test_id("public-status")
    status.wait_for()
    assert filed.number in page.content()
    shot("complaint-tracked")

    # A circular and the published results.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="查看全部通报").click()
    page.locator(".list-group-item a").first.click()
    page.locator("h1").first.wait_for()
    assert "None" not in page.locator("main, body").first.inner_text()
    shot("circular")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="查看考核结果").click()
    ranking = page.get_by_test_id("public-ranking")
    ranking.wait_for()
    assert ranking.locator("tbody tr").count() >= 30
    shot("published-results")

    # The demo's open survey, one unit per page, with a rater's code.
    survey = Survey.objects.get(status=Survey.Status.OPEN)
    token = survey.tokens.filter(used=False).order_by("pk").first()
    page.goto(live_server.url + reverse("assessments:survey_vote", args=[survey.pk, token.code]))
    name = page.get_by_test_id("unit-name")
    name.wait_for()
    total = survey.units.count()
    assert str(total) in page.get_by_test_id("survey-progress").inner_text()
    first = name.inner_text()
    shot("survey-first-unit")
    option = survey.scale.order_by("pk").first()
    for _ in range(2):
        unit_name = name.inner_text()
        unit = survey.units.get(name=unit_name)
        for dimension in survey.dimensions.all():
            page.locator(f"label[for='r_{unit.pk}_{dimension.pk}_{option.pk}']").click()
        page.get_by_test_id("next").click()
        name.filter(has_text=unit_name).wait_for(state="detached")
        page.get_by_test_id("unit-name").wait_for()
    assert page.get_by_test_id("unit-name").inner_text() != first
    assert "3" in page.get_by_test_id("survey-progress").inner_text()
    assert not SurveyResponse.objects.filter(token=token).exists()  # filed at the end only
    shot("survey-third-unit")
