"""In Chromium: the front page (desktop and phone), the login page and the leaders' ranking."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from tests.assessments.county import build_county
from tests.otp import BROWSER_TIMEOUT_MS, browser_login
from tests.units.test_front_page import build_public_county

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_front_page_desktop_and_phone_then_staff_login(
    live_server, cast, browser, page, output_dir
):
    build_public_county(cast)
    page.goto(live_server.url + "/")
    assert page.title() == "作风建设管理平台"
    entries = page.get_by_test_id("public-entries")
    for heading in ("投诉举报", "查询办理进度", "公开通报", "考核结果", "民主评议"):
        assert entries.get_by_role("heading", name=heading, exact=True).is_visible()
    page.screenshot(path=str(output_dir / "front-desktop.png"), full_page=True)

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone.set_default_timeout(BROWSER_TIMEOUT_MS)
    small = phone.new_page()
    small.goto(live_server.url + "/")
    small.get_by_role("link", name="我要投诉").wait_for()
    # Nothing wider than the phone: no sideways scrolling.
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    small.screenshot(path=str(output_dir / "front-phone.png"), full_page=True)
    small.get_by_role("link", name="我要投诉").click()
    small.wait_for_url("**" + reverse("complaints:public_submit"))
    phone.close()

    page.get_by_test_id("staff-login").click()
    page.wait_for_url("**" + reverse("login"))
    assert page.title() == "登录 · 作风建设管理平台"
    assert page.get_by_test_id("product-name").inner_text() == "作风建设管理平台"
    page.screenshot(path=str(output_dir / "login.png"), full_page=True)

    missing = page.goto(live_server.url + "/no-such-page/")
    assert missing.status == 404
    page.get_by_role("heading", name="页面不存在").wait_for()
    page.screenshot(path=str(output_dir / "404.png"), full_page=True)


def test_ranking_chart_shows_every_unit_and_the_veto(live_server, cast, page, output_dir):
    county = build_county(cast.officer, extra_units=25)
    assessment_services.scheme_compute(scheme_id=county["scheme"].pk)
    browser_login(page, live_server.url, cast.leader.username)
    page.goto(live_server.url + reverse("assessments:dashboard", args=[county["scheme"].pk]))
    chart = page.get_by_test_id("chart-ranking")
    chart.locator("canvas").first.wait_for()
    # One row per unit: tall enough for 37 names, none skipped.
    assert chart.bounding_box()["height"] >= 37 * 26
    table = page.get_by_test_id("ranking-table")
    assert table.get_by_test_id("veto-badge").count() == 2
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(output_dir / "ranking-chart.png"))
    page.screenshot(path=str(output_dir / "dashboard.png"), full_page=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(output_dir / "dashboard-top.png"))
