"""为民办实事 in a real browser: a unit head files a project with its milestones, the officer
publishes it, the head reports a milestone done, and the public page shows it with progress."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import PeopleProject
from campaign.services import projects as services
from tests.otp import browser_login
from tests.projects.conftest import file_project, publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_file_publish_report_and_the_public_page(live_server, cast, page, output_dir):
    # Two more published projects, one completed, so the public list has something to show.
    school = file_project(
        cast,
        unit=cast.dept_b,
        actor=cast.head_b,
        title="校园周边护学岗",
        beneficiaries="县城中小学生",
        responsible_name="钱局长",
        responsible_post="教育局局长",
    )
    publish(cast, school, head=cast.head_b)
    for milestone in school.milestones.all():
        services.milestone_report(milestone=milestone, actor=cast.head_b, text="已完成", done=True)
    market = file_project(cast, title="农贸市场改造提升", internal_note="资金待落实（内部）")
    publish(cast, market)

    browser_login(page, live_server.url, "head_a")
    page.goto(live_server.url + reverse("campaign:project_create"))
    page.get_by_label("项目名称").fill("老旧小区加装电梯")
    page.get_by_label("实事内容").fill("为城关镇三个老旧小区加装电梯12部。")
    page.get_by_label("受益对象").fill("小区老年住户约600户")
    page.get_by_label("责任人", exact=True).fill("赵局长")
    page.get_by_label("责任人职务").fill("市场监管局局长")
    page.locator("#id_m-0-description").fill("完成入户意见征询")
    page.locator("#id_m-0-due_date").fill("2026-10-15")
    page.locator("#id_m-1-description").fill("完成加装并验收")
    page.locator("#id_m-1-due_date").fill("2026-12-20")
    page.get_by_test_id("save-project").click()
    page.get_by_test_id("submit-project").wait_for()
    page.screenshot(path=str(output_dir / "01-draft.png"), full_page=True)
    page.get_by_test_id("submit-project").click()
    page.wait_for_selector(".alert-success")
    lift = PeopleProject.objects.get(title="老旧小区加装电梯")
    assert lift.status == "submitted"

    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("campaign:project_detail", args=[lift.pk]))
    page.get_by_test_id("publish-project").click()
    page.wait_for_selector(".alert-success")
    assert PeopleProject.objects.get(pk=lift.pk).status == "published"

    browser_login(page, live_server.url, "head_a")
    page.goto(live_server.url + reverse("campaign:project_detail", args=[lift.pk]))
    first = lift.milestones.order_by("position").first()
    page.locator(f"#milestone-{first.pk} summary").click()
    page.locator(f"#milestone-{first.pk} textarea").fill("已完成入户征询，同意率96%。")
    page.locator(f"#milestone-{first.pk} input[type=checkbox]").check()
    page.get_by_test_id(f"report-{first.pk}").click()
    page.wait_for_selector(".alert-success")
    page.screenshot(path=str(output_dir / "02-reported.png"), full_page=True)
    first.refresh_from_db()
    assert first.status == "done" and first.done_on == timezone.localdate()

    page.context.clear_cookies()
    page.goto(live_server.url + reverse("campaign:public_project_list"))
    rows = page.get_by_test_id("public-projects")
    rows.get_by_text("老旧小区加装电梯").wait_for()
    text = rows.inner_text()
    assert "校园周边护学岗" in text and "农贸市场改造提升" in text
    assert "1/2" in text and "2/2" in text and "市场监管局局长" in text
    assert "资金待落实" not in page.content()
    page.screenshot(path=str(output_dir / "03-public-list.png"), full_page=True)
    page.get_by_role("link", name="老旧小区加装电梯").click()
    page.get_by_test_id("milestones").wait_for()
    page.screenshot(path=str(output_dir / "04-public-detail.png"), full_page=True)
