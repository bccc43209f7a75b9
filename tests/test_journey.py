"""The journey across the apps in a real browser (issue 12, "Done when").

An officer reviews a complaint the unit found substantiated and, from the complaint's page,
raises a rectification item (with a 问责) for the unit; the unit head works the item off and
asks for 销号; the officer closes it. After scoring, the leader opens the unit's result,
clicks the deduction and lands on the complaint, which does not show who complained. After
a recompute the same result URL still answers, with the new figure.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import (
    AdjustmentRule,
    AssessmentResult,
    Component,
    GradeRule,
    Indicator,
)
from campaign import services as campaign_services
from campaign.models import AccountabilityAction, Campaign, RectificationItem
from complaints import services as complaint_services
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory
from tests.otp import browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Who complained: on no page the unit, the leader or the ledger shows.
NAME, PHONE, ID_NUMBER = "林晓梅", "13807310526", "430102198805120026"
TITLE = "办理营业执照变更被多次推诿"
PROBLEM = "登记窗口对营业执照变更推诿扯皮，群众多次往返"


def _shot(page, output_dir, name: str) -> None:
    page.screenshot(path=str(output_dir / f"{name}.png"), full_page=True)


def _campaign(cast) -> Campaign:
    year = timezone.localdate().year
    created = campaign_services.campaign_create(
        name=f"{year}年作风建设年",
        year=year,
        scope=cast.root,
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        template=Campaign.Template.ANNUAL,
        actor=cast.officer,
    )
    return campaign_services.campaign_activate(campaign=created, actor=cast.officer)


def _answered_complaint(cast) -> Complaint:
    """A named complaint against dept_a, which the unit answered as 属实 (awaiting review)."""
    complaint = complaint_services.complaint_submit(
        channel=Complaint.Channel.WEB,
        title=TITLE,
        content="到县市场监督管理局登记窗口办理营业执照变更，工作人员以材料不全为由三次推诿。",
        category=ComplaintCategory.objects.get(name="服务态度"),
        subject_unit=cast.dept_a,
        identity=Identity(name=NAME, phone=PHONE, id_number=ID_NUMBER),
    )
    complaint = complaint_services.complaint_accept(complaint=complaint, actor=cast.officer)
    complaint = complaint_services.complaint_assign(
        complaint=complaint, unit=cast.dept_a, actor=cast.officer
    )
    return complaint_services.complaint_answer(
        complaint=complaint,
        actor=cast.head_a,
        facts="经查，登记窗口工作人员未一次性告知所需材料，致群众三次往返。",
        verdict=Complaint.Verdict.SUBSTANTIATED,
        measures="对当事窗口人员批评教育，推行一次性告知。",
        public_reply="经核查，情况属实，已责令整改并向您致歉。",
    )


# unit: (专项测评, 组织考评) scores out of 100.
SCORES = {"dept_a": ("92", "90"), "dept_b": ("86", "84"), "township": ("80", "82")}


def _scheme(cast):
    """The year's scheme, scored by an evaluator, with deductions for substantiated
    complaints and for 问责 (no survey: its weight goes to the two other parts)."""
    year = timezone.localdate().year
    scheme = assessment_services.scheme_create(
        year=year,
        name=f"{year}年度作风建设考核",
        actor=cast.officer,
        weight_survey=Decimal("0"),
        weight_special=Decimal("50"),
        weight_organisational=Decimal("50"),
    )
    special = Indicator.objects.create(
        scheme=scheme, component=Component.SPECIAL, name="重点工作", max_points=Decimal("100")
    )
    organisational = Indicator.objects.create(
        scheme=scheme,
        component=Component.ORGANISATIONAL,
        name="活动成果",
        max_points=Decimal("100"),
    )
    GradeRule.objects.create(scheme=scheme, grade="excellent", min_total=Decimal("90"))
    GradeRule.objects.create(scheme=scheme, grade="good", min_total=Decimal("85"))
    GradeRule.objects.create(scheme=scheme, grade="average", min_total=Decimal("60"))
    assessment_services.adjustment_rule_save(
        scheme=scheme,
        actor=cast.officer,
        name="投诉举报查实",
        kind=AdjustmentRule.Kind.COMPLAINT_SUBSTANTIATED,
        points=Decimal("2"),
        sort_order=1,
    )
    assessment_services.adjustment_rule_save(
        scheme=scheme,
        actor=cast.officer,
        name="被问责",
        kind=AdjustmentRule.Kind.ACCOUNTABILITY,
        points=Decimal("1"),
        sort_order=2,
    )
    scheme = assessment_services.scheme_open(scheme=scheme, actor=cast.officer)
    units = {name: getattr(cast, name) for name in SCORES}
    assessment_services.evaluation_assign(
        scheme=scheme, evaluator=cast.evaluator, units=list(units.values()), actor=cast.officer
    )
    scores = []
    for name, (special_score, organisational_score) in SCORES.items():
        scores += [
            (units[name], special, Decimal(special_score), ""),
            (units[name], organisational, Decimal(organisational_score), ""),
        ]
    assessment_services.evaluations_record(scheme=scheme, evaluator=cast.evaluator, scores=scores)
    return scheme


def test_complaint_to_rectification_to_result_and_back(live_server, cast, page, output_dir):
    try:
        _journey(live_server, cast, page, output_dir)
    except Exception:
        _shot(page, output_dir, "failure")
        raise
    finally:
        page.goto("about:blank")  # no request left in flight when the database is reset


def _journey(live_server, cast, page, output_dir):
    campaign = _campaign(cast)
    complaint = _answered_complaint(cast)
    scheme = _scheme(cast)

    # 1. The officer reviews the answer (属实 stands) and, on the same page, raises a
    #    rectification item for the unit in the campaign under way, with a 问责.
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("complaints:queue"))
    page.get_by_role("link", name=complaint.number).click()
    page.wait_for_url("**" + complaint.get_absolute_url())
    page.get_by_label("审核通过").check()
    page.get_by_test_id("review").click()
    page.get_by_text("审核意见已提交。").wait_for()
    form = page.get_by_test_id("follow-up")
    assert page.locator("#follow_up_campaign").input_value() == str(campaign.pk)
    assert page.locator("#follow_up_problem").input_value() == TITLE
    page.locator("#follow_up_problem").fill(PROBLEM)
    page.locator("#follow_up_working_days").fill("10")
    page.locator("#follow_up_kind").select_option(AccountabilityAction.Kind.WARNING_TALK)
    page.locator("#follow_up_reason").fill("窗口推诿扯皮经查属实，对单位进行效能告诫谈话")
    page.locator("#follow_up_document_number").fill("县纪效〔2026〕12号")
    _shot(page, output_dir, "01-officer-follow-up-form")
    assert form.is_visible()
    page.get_by_test_id("follow-up-submit").click()
    raised = page.get_by_test_id("raised-items")
    raised.wait_for()
    item = RectificationItem.objects.get()
    assert item.unit == cast.dept_a and item.campaign == campaign
    assert item.status == RectificationItem.Status.ACCEPTED
    action = AccountabilityAction.objects.get()
    assert action.unit == cast.dept_a and action.source == complaint
    assert "效能告诫谈话" in raised.inner_text()
    link = raised.get_by_role("link", name=PROBLEM)
    assert link.get_attribute("href") == item.get_absolute_url()
    _shot(page, output_dir, "02-complaint-with-item-raised")
    # Linked both ways: the item names the complaint as its source.
    link.click()
    page.wait_for_url("**" + item.get_absolute_url())
    assert page.get_by_test_id("source-record").get_attribute("href") == (
        complaint.get_absolute_url()
    )
    _shot(page, output_dir, "03-officer-item-raised")

    # 2. The unit head finds the item on the unit's ledger, reports progress, asks for 销号.
    browser_login(page, live_server.url, "head_a")
    assert page.get_by_test_id("campaign-panel").is_visible()
    _shot(page, output_dir, "04-head-workspace")
    page.get_by_test_id("campaign-panel").get_by_role("link", name="整改台账").click()
    page.wait_for_url("**" + reverse("campaign:ledger", args=[campaign.pk]))
    row = page.get_by_test_id("ledger").locator(f'tr[data-item="{item.pk}"]')
    assert "已确认" in row.inner_text()
    _shot(page, output_dir, "05-head-ledger")
    row.get_by_role("link").click()
    page.wait_for_url("**" + item.get_absolute_url())
    assert NAME not in page.content() and PHONE not in page.content()
    progress = page.get_by_test_id("progress-form")
    progress.get_by_label("整改进展").fill("已对窗口人员批评教育，推行一次性告知制度并上墙公示")
    progress.get_by_role("button", name="报送进展").click()
    page.get_by_text("整改进展已报送。").wait_for()
    closure = page.get_by_test_id("closure-form")
    closure.get_by_label("整改佐证").fill("一次性告知清单已在登记窗口公示，当事人作出书面检查")
    _shot(page, output_dir, "06-head-progress-and-closure-form")
    closure.get_by_role("button", name="申请销号").click()
    page.get_by_text("已申请销号。").wait_for()
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.CLOSURE_REQUESTED
    _shot(page, output_dir, "07-head-closure-requested")

    # 3. The officer finds the request in the review queue and closes the item (销号).
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("campaign:review_queue"))
    assert page.get_by_test_id("closure-count").inner_text() == "1"
    _shot(page, output_dir, "08-officer-review-queue")
    page.get_by_test_id("closure-requested").get_by_role("link", name=PROBLEM).click()
    page.wait_for_url("**" + item.get_absolute_url())
    page.get_by_test_id("close-form").get_by_label("核查记录").fill(
        "回访群众并现场暗访核实，已整改到位"
    )
    page.get_by_role("button", name="核查销号").click()
    page.get_by_text("已核查销号。").wait_for()
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.CLOSED
    _shot(page, output_dir, "09-officer-item-closed")

    # 4. Scoring; the leader opens the unit's result from the ranking, follows the
    #    deduction to the complaint, and does not see who complained.
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    result = AssessmentResult.objects.get(scheme=scheme, unit=cast.dept_a)
    # 50 % × 92 + 50 % × 90 = 91, less 2 (the complaint) and 1 (the 问责).
    assert result.total == Decimal("88.00")
    result_path = reverse("assessments:result_detail", args=[result.pk])
    browser_login(page, live_server.url, "leader")
    page.get_by_role("link", name="年度考核", exact=True).click()
    page.get_by_role("link", name="考核分析").first.wait_for()
    _shot(page, output_dir, "10-leader-schemes")
    page.get_by_role("link", name="考核分析").first.click()
    page.wait_for_url("**" + reverse("assessments:dashboard", args=[scheme.pk]))
    ranking = page.get_by_test_id("ranking-table")
    _shot(page, output_dir, "11-leader-dashboard")
    ranking.get_by_role("link", name=cast.dept_a.name, exact=True).click()
    page.wait_for_url("**" + result_path)
    lines = page.get_by_test_id("lines-table")
    assert lines.locator("tbody tr").count() == 2
    assert page.get_by_test_id("total").inner_text() == "88.00"
    assert page.get_by_test_id("grade").inner_text() == "良好"
    _shot(page, output_dir, "12-leader-result")
    lines.get_by_role("link", name=str(complaint)).click()
    page.wait_for_url("**" + complaint.get_absolute_url())
    assert page.get_by_role("heading", name=TITLE).is_visible()
    text = page.content()
    assert NAME not in text and PHONE not in text and ID_NUMBER not in text
    assert page.get_by_test_id("identity").count() == 0
    _shot(page, output_dir, "13-leader-lands-on-complaint")
    # The 问责 line leads to the action's page, which names its source complaint.
    page.go_back()
    page.wait_for_url("**" + result_path)
    page.get_by_test_id("lines-table").get_by_role("link", name=str(action)).click()
    page.wait_for_url("**" + action.get_absolute_url())
    assert "县纪效〔2026〕12号" in page.get_by_test_id("accountability").inner_text()
    assert complaint.number in page.get_by_test_id("source").inner_text()
    assert NAME not in page.content() and PHONE not in page.content()
    _shot(page, output_dir, "14-leader-accountability")

    # 5. Another 问责 for the unit, a recompute: the same URL answers with the new figure.
    campaign_services.accountability_action_record(
        kind=AccountabilityAction.Kind.REMINDER_TALK,
        reason="整改期间窗口再次出现推诿",
        actor=cast.officer,
        unit=cast.dept_a,
    )
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    assert AssessmentResult.objects.get(scheme=scheme, unit=cast.dept_a).pk == result.pk
    page.goto(live_server.url + result_path)
    assert page.url == live_server.url + result_path
    assert page.get_by_role("heading", name=cast.dept_a.name).is_visible()
    assert page.get_by_test_id("total").inner_text() == "87.00"
    assert page.get_by_test_id("lines-table").locator("tbody tr").count() == 3
    _shot(page, output_dir, "15-leader-result-after-recompute")
