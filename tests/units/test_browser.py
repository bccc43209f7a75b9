"""A unit head logs in with a real browser and sees only their own unit."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_unit_head_logs_in_and_sees_only_own_unit(live_server, cast, page, output_dir):
    page.goto(live_server.url + "/")
    page.get_by_test_id("staff-login").click()
    page.wait_for_url("**" + reverse("login"))
    page.get_by_label("用户名").fill("head_a")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**" + reverse("units:workspace"))

    my_units = page.get_by_test_id("my-units")
    assert my_units.get_by_role("link", name="县市场监督管理局", exact=True).is_visible()
    assert "县教育局" not in page.content()
    page.screenshot(path=str(output_dir / "workspace.png"), full_page=True)

    page.get_by_role("link", name="单位", exact=True).click()
    page.wait_for_url("**" + reverse("units:unit_list"))
    rows = page.get_by_test_id("unit-table").locator("tbody tr")
    assert rows.count() == 2
    assert "县教育局" not in page.get_by_test_id("unit-table").inner_text()
    page.screenshot(path=str(output_dir / "unit-list.png"), full_page=True)

    response = page.goto(live_server.url + reverse("units:unit_detail", args=[cast.dept_b.pk]))
    assert response.status == 404
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    page.screenshot(path=str(output_dir / "sibling-404.png"), full_page=True)
