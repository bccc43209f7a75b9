"""The officer reviews the drafted comment of last week's 周检查 and sends it; the leader opens
it from the notice and follows a figure to the list it counts; the operations view."""

import pytest
from django.urls import reverse

from tests.otp import browser_login
from tests.units import digest_county
from units import digests, tasks
from units.models import Digest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _open_newest_notice(page, base_url: str) -> None:
    page.goto(base_url + reverse("units:notification_list"))
    page.get_by_role("button", name="查看").first.click()
    page.wait_for_url("**/digests/*/")


def test_officer_sends_the_reviewed_digest_and_the_leader_follows_a_figure(
    live_server, cast, page, output_dir
):
    county = digest_county.build(cast)
    digests.digests_prepare(kind=Digest.Kind.WEEKLY, today=county.today)
    whole = Digest.objects.get(scope=None)
    tasks.sync_responsibilities.delay()

    # The officer finds the draft in their notices, edits the comment and sends it.
    browser_login(page, live_server.url, "officer")
    _open_newest_notice(page, live_server.url)
    assert page.get_by_role("heading", name=whole.title).is_visible()
    assert page.get_by_test_id("digest-draft-note").is_visible()
    comment = page.locator("#digest_comment")
    assert comment.input_value() == whole.comment
    page.screenshot(path=str(output_dir / "draft.png"), full_page=True)
    comment.fill(whole.comment + "县市场监督管理局要专题研究逾期投诉办理问题。")
    page.get_by_test_id("digest-send").click()
    page.get_by_test_id("digest-sent").wait_for()
    assert page.get_by_test_id("digest-comment").inner_text().endswith("逾期投诉办理问题。")

    # The leader opens it from the notice and follows 逾期未办结投诉举报 to the list.
    browser_login(page, live_server.url, "leader")
    _open_newest_notice(page, live_server.url)
    assert page.get_by_role("heading", name=whole.title).is_visible()
    assert page.get_by_test_id("digest-comment").inner_text().endswith("逾期投诉办理问题。")
    page.screenshot(path=str(output_dir / "digest.png"), full_page=True)
    page.get_by_role("link", name="逾期未办结投诉举报").click()
    page.wait_for_url("**/complaints/?*")
    count = page.get_by_test_id("filter-count")
    count.wait_for()
    overdue = digest_county.lines(Digest.objects.get(pk=whole.pk))["complaints.overdue"]["value"]
    assert str(overdue) in count.inner_text()
    page.screenshot(path=str(output_dir / "overdue_complaints.png"), full_page=True)
    # …and 逾期未销号整改事项 to the campaign's ledger, filtered the same way.
    page.go_back()
    page.get_by_role("link", name="逾期未销号整改事项").click()
    page.wait_for_url("**/ledger/?*")
    items = digest_county.lines(Digest.objects.get(pk=whole.pk))["items.overdue"]["value"]
    page.get_by_test_id("filter-count").wait_for()
    assert str(items) in page.get_by_test_id("filter-count").inner_text()
    page.screenshot(path=str(output_dir / "overdue_items.png"), full_page=True)
    page.get_by_role("link", name="领导简报").first.click()
    page.wait_for_url("**" + reverse("units:digest_list"))
    assert page.get_by_role("link", name=whole.title).first.is_visible()

    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("admin:units_jobrun_changelist"))
    jobs = page.locator("#zf-jobs")
    assert jobs.get_by_text("每日同步责任分工权限").is_visible()
    assert jobs.get_by_text("周检查：每周领导简报").is_visible()
    page.screenshot(path=str(output_dir / "operations.png"), full_page=True)
