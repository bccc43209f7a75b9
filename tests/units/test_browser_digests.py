"""A leader opens the weekly check from the notice; an officer reads the operations view."""

import datetime

import pytest
from django.urls import reverse

from tests.otp import browser_login
from units import digests, tasks

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_leader_follows_the_digest_notice_and_officer_sees_job_runs(
    live_server, cast, page, output_dir
):
    sent = digests.digest_send(kind="weekly", today=datetime.date(2026, 11, 23))
    assert sent == 2
    tasks.sync_responsibilities.delay()

    browser_login(page, live_server.url, "leader")
    page.goto(live_server.url + reverse("units:notification_list"))
    page.get_by_role("button", name="查看").first.click()
    page.wait_for_url("**/digests/*/")
    assert page.get_by_role("heading", name="周检查（2026-11-16 至 2026-11-22）").is_visible()
    assert page.get_by_role("link", name="逾期未销号整改事项").is_visible()
    page.screenshot(path=str(output_dir / "digest.png"), full_page=True)
    page.get_by_role("link", name="领导简报").first.click()
    page.wait_for_url("**" + reverse("units:digest_list"))
    assert page.get_by_role("link", name="周检查（2026-11-16 至 2026-11-22）").is_visible()

    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("admin:units_jobrun_changelist"))
    jobs = page.locator("#zf-jobs")
    assert jobs.get_by_text("每日同步责任分工权限").is_visible()
    assert jobs.get_by_text("周检查：每周领导简报").is_visible()
    page.screenshot(path=str(output_dir / "operations.png"), full_page=True)
