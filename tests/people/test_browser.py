"""干部作风档案 in a real browser: an item tied to a cadre, a 问责 against them, a result
that flags their unit's leadership, the record showing all of it and the 三挂钩 export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import AssessmentResult
from tests.campaign.roles_restore import ensure_roles
from tests.otp import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    ensure_roles()


def test_cadre_record_journey(live_server, cast, record, cadre, page, output_dir):
    try:
        _journey(live_server, cast, record, cadre, page, output_dir)
    except Exception:
        page.screenshot(path=str(output_dir / "failure.png"), full_page=True)
        raise


def _journey(live_server, cast, record, cadre, page, output_dir):
    # Scoring grades dept_a 较差: publishing flags its leadership team and the unit.
    scheme = assessment_services.scheme_create_with_defaults(year=2026, actor=cast.officer)
    scheme = assessment_services.scheme_open(scheme=scheme, actor=cast.officer)
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    results = AssessmentResult.objects.filter(scheme=scheme)
    results.update(grade="good")
    results.filter(unit=cast.dept_a).update(grade="poor")
    scheme.refresh_from_db()
    assessment_services.scheme_publish(scheme=scheme, actor=cast.officer, public=False)

    browser_login(page, live_server.url, "officer")
    page.get_by_role("link", name="作风档案", exact=True).first.click()
    page.get_by_test_id("cadre-table").wait_for()
    page.get_by_label("姓名或单位").fill("赵")
    page.get_by_role("button", name="查询").click()
    row = page.locator(f'tr[data-person="{cadre.pk}"]')
    row.get_by_text("领导班子成员当年不评优、一年内不提拔").wait_for()
    page.screenshot(path=str(output_dir / "01-list.png"), full_page=True)

    row.get_by_role("link", name="赵局长").click()
    page.get_by_test_id("cadre-name").wait_for()
    page.get_by_test_id("items").get_by_text("个人层面：窗口审批签字拖延").wait_for()
    page.get_by_test_id("accountability").get_by_text("县纪发〔2026〕7号").wait_for()
    flags = page.get_by_test_id("flags")
    flags.get_by_text("该部门一年内不新提拔干部").wait_for()
    flags.get_by_text("领导班子成员当年不评优、一年内不提拔").wait_for()
    page.screenshot(path=str(output_dir / "02-record.png"), full_page=True)

    # A flag with its end before its start is refused in Chinese, and nothing is recorded.
    form = page.get_by_test_id("flag-form")
    form.get_by_label("标记事由").fill("年度作风问题严重")
    form.get_by_label("开始日期").fill("2027-03-01")
    form.get_by_label("结束日期").fill("2027-01-01")
    form.get_by_role("button", name="登记标记").click()
    page.get_by_text("结束日期不能早于开始日期").first.wait_for()
    page.screenshot(path=str(output_dir / "03-refused.png"), full_page=True)

    # The organisation department's file lists the cadre with the flag and the 问责.
    page.goto(live_server.url + reverse("campaign:cadre_list"))
    with page.expect_download() as download:
        page.get_by_test_id("export-form").get_by_label("年度").select_option("2026")
        page.get_by_test_id("export").click()
    with open(download.value.path(), "rb") as saved:  # no .xlsx suffix: read it as bytes
        book = openpyxl.load_workbook(io.BytesIO(saved.read()))
    rows = [r for r in book.active.iter_rows(values_only=True) if "赵局长" in r]
    assert rows and "不评优" in rows[0][12] and "县纪发〔2026〕7号" in rows[0][13]
