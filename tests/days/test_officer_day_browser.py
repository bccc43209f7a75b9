"""The inspection officer's day on the demo county, in Chromium.

jiwei (县纪委监委) signs in, finds a new complaint in the intake queue by search and filter,
accepts and assigns it, sends a 督办 and a 催办 from the overdue board (days overdue on every
row), 催报 the units missing a required material, opens the evaluator assignments, reviews
the drafted comment of the week's 周检查 and is told when a unit has answered a case.
Screenshots go to test-results/<test name>/.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentScheme
from campaign.models import Campaign, Deliverable, Reminder
from complaints import services as complaint_services
from complaints.demo import PHOTO_CASE_TITLE
from complaints.models import Complaint
from tests.otp import browser_login
from tests.picker.helpers import pick_unit
from units.management.commands.seed_demo import DEFAULT_PASSWORD
from units.models import Digest, Unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_day(demo, live_server, page, shot):
    jiwei = get_user_model().objects.get(username="jiwei")
    # Meanwhile the unit has answered the case with the photo: the officer is told.
    case = Complaint.objects.get(title=PHOTO_CASE_TITLE)
    complaint_services.complaint_answer(
        complaint=case,
        actor=get_user_model().objects.get(username="danwei"),
        facts="经调查核实，情况属实。",
        verdict="substantiated",
        measures="对当事工作人员批评教育，完善一次性告知制度。",
        public_reply="感谢您的监督，问题已整改到位。",
    )
    browser_login(page, live_server.url, "jiwei", password=DEFAULT_PASSWORD)
    shot("workspace")

    # The intake queue: the newest registered case, found by its number and the status filter.
    new = (
        Complaint.objects.filter(status=Complaint.Status.REGISTERED)
        .order_by("received_at")
        .first()  # the oldest one waiting: on a later page of the unfiltered queue
    )
    page.goto(live_server.url + reverse("complaints:queue"))
    page.locator("#filter_q").fill(new.number)
    page.locator("#filter_status").select_option("registered")
    page.get_by_test_id("filter-submit").click()
    page.wait_for_url("**status=registered**")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and new.number in rows.first.inner_text()
    shot("queue-found")
    rows.first.get_by_role("link", name=new.number).click()
    page.get_by_test_id("accept").click()
    page.get_by_test_id("assign").wait_for()
    target = new.subject_unit or Unit.objects.get(code="SLX-JYJ")
    assign = page.locator("form[action$='/assign/']")
    pick_unit(page, assign.locator("select[name=unit]"), target.name, target.name)
    assign.locator("textarea[name=instructions]").fill("请于期限内核实办理并报送结果。")
    shot("case-accepted")
    with page.expect_navigation():
        assign.get_by_test_id("assign").click()
    # "已受理" is on the page already: wait for the assignment's own message.
    page.locator(".alert-success", has_text="已交办").wait_for()
    new.refresh_from_db()
    assert new.status == Complaint.Status.ASSIGNED and new.unit == target
    shot("case-assigned")

    # The 督办 board: every overdue case and item with its working days overdue.
    page.goto(live_server.url + reverse("campaign:overdue_board"))
    rows = page.get_by_test_id("overdue-row")
    assert page.locator('tr[data-kind="complaint"]').count() > 10
    days = [int(d) for d in page.get_by_test_id("days-overdue").all_inner_texts()]
    assert days == sorted(days, reverse=True)
    shot("overdue-board")
    before = Reminder.objects.count()
    row = page.locator('tr[data-kind="complaint"]', has=page.get_by_test_id("supervise")).first
    row.locator("input[name=text]").fill("请于两个工作日内办结并报送结果。")
    row.get_by_test_id("supervise").click()
    page.locator(".alert-success").wait_for()
    # The most overdue cases fill the first pages: the type filter brings the items forward.
    page.locator("#filter_kind").select_option("item")
    page.get_by_test_id("filter-submit").click()
    page.wait_for_url("**kind=item**")
    assert page.locator('tr[data-kind="item"]').count() >= 1
    assert page.locator('tr[data-kind="complaint"]').count() == 0
    row = page.locator('tr[data-kind="item"]', has=page.get_by_test_id("urge")).first
    row.get_by_test_id("urge").click()
    page.locator(".alert-success").wait_for()
    kinds = set(Reminder.objects.order_by("pk")[before:].values_list("kind", flat=True))
    assert kinds == {Reminder.Kind.SUPERVISE, Reminder.Kind.URGE}
    shot("overdue-board-urged")

    # Required materials: 催报 every unit that has not handed in one past its deadline.
    campaign = Campaign.objects.get(status=Campaign.Status.ACTIVE)
    late = (
        Deliverable.objects.filter(campaign=campaign, due_date__lt=timezone.localdate())
        .order_by("due_date", "pk")
        .last()
    )
    page.goto(live_server.url + reverse("campaign:deliverables"))
    page.get_by_role("link", name=late.title).click()
    page.get_by_test_id("deliverable-units").wait_for()
    assert "None" not in page.get_by_test_id("deliverable-units").inner_text()
    shot("deliverable")
    before = Reminder.objects.filter(kind=Reminder.Kind.URGE_REPORT).count()
    page.get_by_test_id("urge-missing").get_by_role("button").click()
    page.locator(".alert-success").wait_for()
    assert Reminder.objects.filter(kind=Reminder.Kind.URGE_REPORT).count() > before
    shot("deliverable-urged")

    # 考评分工: who scores which unit this year.
    scheme = AssessmentScheme.objects.get(year=timezone.localdate().year)
    page.goto(live_server.url + reverse("assessments:scheme_detail", args=[scheme.pk]))
    page.get_by_test_id("assign-evaluators").click()
    page.get_by_test_id("assignment-table").wait_for()
    assert "胡晓燕" in page.get_by_test_id("assignment-table").inner_text()
    shot("evaluator-assignments")

    # The week's 周检查 waits with a drafted comment; the officer edits it and sends it.
    page.goto(live_server.url + reverse("units:digest_list"))
    weekly = Digest.objects.filter(kind=Digest.Kind.WEEKLY, status=Digest.Status.DRAFT).first()
    page.locator(f"a[href='{reverse('units:digest_detail', args=[weekly.pk])}']").click()
    comment = page.get_by_test_id("digest-comment-form").locator("textarea")
    drafted = comment.input_value()
    assert len(drafted) > 30 and "投诉" in drafted
    shot("digest-draft")
    comment.fill(drafted + "请县市场监管局、县教育局对逾期件逐件说明原因。")
    page.get_by_test_id("digest-send").click()
    page.get_by_test_id("digest-sent").wait_for()
    shot("digest-sent")

    # Notices: the unit's answer, with a link to the case to review.
    page.goto(live_server.url + reverse("units:notification_list"))
    notice = page.locator(".list-group-item", has_text=case.number).first
    assert "请审核" in notice.inner_text()
    shot("notices")
    notice.get_by_role("button").click()
    page.wait_for_url("**" + reverse("complaints:detail", args=[case.pk]))
    page.get_by_test_id("review").wait_for()
    assert (
        jiwei.notifications.filter(read_at__isnull=True, url=case.get_absolute_url()).count() == 0
    )
    shot("case-to-review")
