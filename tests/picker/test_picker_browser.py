"""The unit picker in a real browser: an officer names two units in a circular by typing
part of their Chinese names; a member of the public picks the unit they complain about."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaign.models import Circular
from tests.campaign.roles_restore import ensure_roles
from tests.otp import browser_login
from tests.picker.helpers import pick_unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    ensure_roles()


def test_an_officer_picks_two_units_for_a_circular(live_server, cast, campaign, page, output_dir):
    try:
        browser_login(page, live_server.url, "officer")
        page.goto(live_server.url + reverse("campaign:circular_create", args=[campaign.pk]))
        page.get_by_label("标题").fill("关于作风建设先进单位的通报")
        page.get_by_label("正文").fill("对以下单位予以通报表扬。")
        commended = page.locator("select[name=commended]")
        box = page.locator(f"#{commended.get_attribute('id')}-ts-control")
        assert box.get_attribute("placeholder") == "输入单位名称搜索"
        box.fill("不存在的")
        page.locator(".ts-dropdown .no-results", has_text="未找到单位").wait_for()
        pick_unit(page, commended, "教育", "县教育局")
        pick_unit(page, commended, "办公", "县市场监督管理局办公室")
        page.screenshot(path=str(output_dir / "01-circular-two-units.png"), full_page=True)
        page.get_by_role("button", name="保存").first.click()
        page.wait_for_url("**/circulars/*/")
        circular = Circular.objects.get()
        mentioned = set(circular.mentions.values_list("unit__name", flat=True))
        assert mentioned == {"县教育局", "县市场监督管理局办公室"}
        page.get_by_text("县市场监督管理局办公室").first.wait_for()
        page.screenshot(path=str(output_dir / "02-circular-saved.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(output_dir / "failure.png"), full_page=True)
        raise


def test_the_public_picks_the_unit_they_complain_about(live_server, cast, page, output_dir):
    try:
        page.goto(live_server.url + reverse("complaints:public_submit"))
        unit = page.locator("select[name=subject_unit]")
        pick_unit(page, unit, "市场监督", "县市场监督管理局")
        assert unit.input_value() == str(cast.dept_a.pk)
        page.screenshot(path=str(output_dir / "01-public-picker.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(output_dir / "failure.png"), full_page=True)
        raise


def test_a_chosen_unit_does_not_move_the_button_under_the_pointer(live_server, cast, page):
    """Choosing a unit leaves the picker focused; the next mouse press anywhere unfocuses it.
    Had the picker changed height then, the form's button would move away under the press
    and the click meant to submit would be lost."""
    page.goto(live_server.url + reverse("complaints:public_submit"))
    unit = page.locator("select[name=subject_unit]")
    box = page.locator(f"#{unit.get_attribute('id')}-ts-control")
    box.fill("市场监督")
    page.locator(".ts-dropdown .option", has_text="县市场监督管理局").first.click()
    wrapper = page.locator(".ts-wrapper", has=box)
    assert "focus" in (wrapper.get_attribute("class") or "")
    focused = wrapper.bounding_box()
    page.locator("h1").click()  # pressed anywhere else: the picker lets go of its typing line
    page.wait_for_function("w => !w.classList.contains('focus')", arg=wrapper.element_handle())
    assert wrapper.bounding_box()["height"] == focused["height"]
    assert unit.input_value() == str(cast.dept_a.pk)
