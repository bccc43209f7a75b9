"""The cadre journey in a real browser (issue 17): an inspection finding names a cadre, the
item is tied to them, a 问责 with its 文号 is recorded against them, a circular names them,
a rule on 问责 bars the unit's leadership when results are published, and their 作风档案
and the organisation department's 三挂钩 file show it all."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import AdjustmentRule
from campaign.models import AccountabilityAction, RectificationItem
from tests.campaign.conftest import campaign_start
from tests.campaign.roles_restore import ensure_roles
from tests.otp import browser_login
from tests.picker.helpers import pick_unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROBLEM = "窗口工作人员上班时间玩手机游戏，群众等候半小时无人办理"
DOCUMENT = "县纪发〔2026〕15号"


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    ensure_roles()


def test_cadre_journey(live_server, cast, page, output_dir):
    try:
        _journey(live_server, cast, page, output_dir)
    except Exception:
        page.screenshot(path=str(output_dir / "failure.png"), full_page=True)
        raise


def _journey(live_server, cast, page, output_dir):
    today = timezone.localdate()
    campaign = campaign_start(cast)
    cadre = cast.head_a.person
    # The year's scheme: a 问责 bars the unit from 优秀 and its leaders for a year.
    scheme = assessment_services.scheme_create_with_defaults(year=today.year, actor=cast.officer)
    assessment_services.adjustment_rule_save(
        scheme=scheme,
        actor=cast.officer,
        name="受到问责的单位",
        kind=AdjustmentRule.Kind.ACCOUNTABILITY,
        points=Decimal("2"),
        veto=AdjustmentRule.Veto.EXCELLENT_NO_PROMOTION,
    )
    scheme = assessment_services.scheme_open(scheme=scheme, actor=cast.officer)

    # 1. The officer records an unannounced inspection.
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("campaign:inspection_list"))
    form = page.get_by_test_id("inspection-form")
    form.get_by_label("专项活动").select_option(str(campaign.pk))
    form.get_by_label("察访方式").select_option("secret")
    form.get_by_label("日期").fill(today.isoformat())
    form.get_by_label("察访组").fill("县纪委明察暗访第一组")
    form.get_by_role("button", name="保存").click()

    # 2. A finding naming the cadre answerable for it: its item is tied to them.
    form = page.get_by_test_id("finding-form")
    form.wait_for()
    pick_unit(page, form.locator("select[name=unit]"), "市场", "县市场监督管理局")
    form.get_by_label("严重程度").select_option("major")
    form.get_by_label("发现问题").fill(PROBLEM)
    form.get_by_label("整改时限").fill((today + timezone.timedelta(days=30)).isoformat())
    pick_unit(page, form.locator("select[name=cadre]"), "赵", "赵局长（局长）")
    page.screenshot(path=str(output_dir / "01-finding-form.png"), full_page=True)
    form.get_by_role("button", name="录入问题").click()
    page.get_by_test_id("finding-cadre").get_by_text("赵局长").wait_for()
    item = RectificationItem.objects.get(problem=PROBLEM)
    assert (item.cadre, item.level, item.unit) == (cadre, "individual", cast.dept_a)

    # 3. 问责 against that cadre, with its 文号.
    form = page.get_by_test_id("accountability-form")
    form.get_by_label("发现问题").select_option(index=1)
    form.get_by_label("问责方式").select_option("admonition_talk")
    pick_unit(page, form.locator("select[name=person]"), "赵", "赵局长（局长）")
    form.get_by_label("问责事由").fill("履行作风建设第一责任人职责不力，窗口纪律松弛")
    form.get_by_label("文号").fill(DOCUMENT)
    form.get_by_label("问责日期").fill(today.isoformat())
    form.get_by_role("button", name="登记问责").click()
    page.get_by_test_id("accountability").get_by_text(DOCUMENT).wait_for()
    page.screenshot(path=str(output_dir / "02-inspection.png"), full_page=True)
    action = AccountabilityAction.objects.get(document_number=DOCUMENT)
    assert (action.person, action.unit) == (cadre, cast.dept_a)

    # 4. A criticism circular names the cadre; published, it is on their record.
    page.goto(live_server.url + reverse("campaign:circular_create", args=[campaign.pk]))
    page.get_by_label("通报类型").select_option("criticism")
    page.get_by_label("标题").fill("关于明察暗访发现问题的通报")
    page.get_by_label("正文").fill(
        "县纪委明察暗访发现，县市场监督管理局窗口工作人员上班时间玩手机游戏。"
    )
    pick_unit(page, page.locator("select[name=criticised_cadres]"), "赵", "赵局长（局长）")
    page.get_by_role("button", name="保存").click()
    page.get_by_test_id("named-cadres").get_by_text("赵局长").wait_for()
    page.get_by_test_id("publish").click()
    page.get_by_text("通报已发布").first.wait_for()

    # 5. Scoring: computed, then published by the officer; the rule bars dept_a's leaders.
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    page.goto(live_server.url + reverse("assessments:scheme_detail", args=[scheme.pk]))
    page.get_by_test_id("publish-form").get_by_role("button").click()
    page.get_by_text("考核结果已公布").first.wait_for()

    # 6. The cadre's record: the item, the 问责, the circular, the flag.
    page.goto(live_server.url + reverse("campaign:cadre_record", args=[cadre.pk]))
    page.get_by_test_id("items").get_by_text(PROBLEM[:20]).wait_for()
    page.get_by_test_id("accountability").get_by_text(DOCUMENT).wait_for()
    page.get_by_test_id("circulars").get_by_text("关于明察暗访发现问题的通报").wait_for()
    page.get_by_test_id("flags").get_by_text("领导班子成员当年不评优、一年内不提拔").wait_for()
    page.get_by_test_id("active-flag").first.wait_for()
    page.screenshot(path=str(output_dir / "03-record.png"), full_page=True)

    # 7. The organisation department's 三挂钩 file lists the flag and the 问责.
    page.goto(live_server.url + reverse("campaign:cadre_list"))
    with page.expect_download() as download:
        page.get_by_test_id("export-form").get_by_label("年度").select_option(str(today.year))
        page.get_by_test_id("export").click()
    with open(download.value.path(), "rb") as saved:
        book = openpyxl.load_workbook(io.BytesIO(saved.read()))
    rows = [r for r in book.active.iter_rows(values_only=True) if "赵局长" in r]
    assert rows, "the cadre is not in the export"
    text = " ".join(str(v) for v in rows[0] if v)
    assert "不评优" in text and DOCUMENT in text

    # 8. The cadre sees the same on their own record.
    browser_login(page, live_server.url, "head_a")
    page.goto(live_server.url + reverse("campaign:cadre_mine"))
    page.get_by_test_id("flags").get_by_text("领导班子成员当年不评优、一年内不提拔").wait_for()
    page.get_by_test_id("circulars").get_by_text("批评").first.wait_for()
    page.screenshot(path=str(output_dir / "04-own-record.png"), full_page=True)

    # 9. The cadre hands in their own 述职 from the record: empty is refused, then accepted.
    form = page.get_by_test_id("report-form")
    form.get_by_role("button", name="提交").click()
    page.get_by_text("请填写内容或上传附件").first.wait_for()
    form = page.get_by_test_id("report-form")
    form.get_by_label("内容").fill("一、履行作风建设第一责任人职责情况……")
    form.get_by_role("button", name="提交").click()
    page.get_by_text("述职报告已提交").first.wait_for()
    page.get_by_test_id("reports").get_by_text("已按时提交").wait_for()
    page.screenshot(path=str(output_dir / "05-report-handed-in.png"), full_page=True)
