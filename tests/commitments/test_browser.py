"""In Chromium: the public commitments page (unit by unit, a search) and its link to a
complaint form that names the commitment.

The page's words are looked up through the catalogue, as the page prints them (Chinese once
the translations are in)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tests.commitments.conftest import commitment_make, reception_day_make

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_public_commitments_page_and_complaint_link(live_server, cast, page, output_dir):
    licence = commitment_make(cast.dept_a, cast.head_a, window="企业登记窗口")
    commitment_make(
        cast.dept_a,
        cast.head_a,
        service="食品经营许可证核发",
        promise="材料齐全、符合法定形式的，10个工作日内作出决定。",
        time_limit_days=10,
        materials="食品经营许可申请书\n营业执照复印件\n经营场所平面图",
    )
    commitment_make(
        cast.dept_b,
        cast.head_b,
        service="教师资格认定",
        promise="受理后20个工作日内完成认定并发证。",
        time_limit_days=20,
        first_responsible="教师资格认定窗口 李老师",
        materials="身份证\n学历证书\n体检合格证明\n普通话水平测试等级证书",
    )
    commitment_make(cast.dept_b, cast.head_b, publish=False, service="未公开的草稿")
    reception_day_make(cast)
    page.goto(live_server.url + reverse("complaints:public_commitments"))
    page.get_by_role("heading", name=_("Public service commitments")).wait_for()
    assert page.get_by_role("heading", name="县市场监督管理局").is_visible()
    assert page.get_by_role("heading", name="县教育局").is_visible()
    assert page.get_by_text("未公开的草稿").count() == 0
    within = ngettext(
        "Done within %(days)s working day", "Done within %(days)s working days", 3
    ) % {"days": 3}
    assert page.get_by_text(within).first.is_visible()
    page.screenshot(path=str(output_dir / "public-commitments.png"), full_page=True)

    page.get_by_label(_("Search")).fill("教师")
    page.get_by_role("button", name=_("Show")).click()
    page.get_by_text(ngettext("%(n)s commitment", "%(n)s commitments", 1) % {"n": 1}).wait_for()
    assert page.get_by_text("营业执照变更登记").count() == 0
    page.screenshot(path=str(output_dir / "public-commitments-search.png"), full_page=True)

    page.goto(live_server.url + reverse("complaints:public_commitments"))
    page.locator(f'[data-commitment="{licence.pk}"]').get_by_role(
        "link", name=_("Complain about this commitment")
    ).click()
    page.get_by_role("heading", name=_("File a complaint about work style")).wait_for()
    selected = page.locator("#id_commitment option:checked").inner_text()
    assert "营业执照变更登记" in selected
    page.screenshot(path=str(output_dir / "complaint-form-prefilled.png"), full_page=True)

    page.goto(live_server.url + reverse("complaints:public_reception_days"))
    page.get_by_role("heading", name=_("Leaders' reception days")).wait_for()
    assert page.get_by_text("县长 李领导").is_visible()
    page.screenshot(path=str(output_dir / "public-reception-days.png"), full_page=True)
