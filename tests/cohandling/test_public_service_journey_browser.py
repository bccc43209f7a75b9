"""Issue 18's journey in Chromium, one case from the public commitments page to the status page.

A citizen finds the county market regulator's published commitment and files a complaint
naming it; the officer dispatches the case to the regulator (主办) with the education bureau
as co-handler (协办); the bureau disputes its part (派单异议) and the officer re-dispatches it
to the township; the regulator pauses the clock waiting for material (中止计时) and restarts
it; the township answers its part, the regulator answers the case; the officer reviews it
and records the return visit (回访); the citizen reads every stage on the status page, with
no internal note. Screenshots in test-results/.

Selectors use ids, test ids and values, so the journey does not depend on the catalogue;
the texts the citizen reads are looked up through it, as the pages print them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintPart, ComplaintPause, DispatchDispute
from tests.commitments.conftest import commitment_make
from tests.complaints.conftest import seed_data  # noqa: F401 (fixture)
from tests.otp import browser_login
from tests.picker.helpers import pick_unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

INTERNAL = {
    "part_task": "核实校外培训机构收费部分（内部交办）",
    "dispute": "该事项不属我局职责范围（内部异议）",
    "redispatch": "属地乡镇负责（内部改派意见）",
    "pause_detail": "待投诉人补充缴费凭证原件（内部）",
    "part_facts": "城关镇核实培训机构收费情况（内部事实）",
    "facts": "窗口人员未一次性告知所需材料（内部事实）",
    "measures": "对窗口人员诫勉谈话（内部措施）",
    "review": "办理规范，同意回访（内部审核意见）",
    "visit": "电话回访，投诉人表示满意（内部回访记录）",
}
REPLY = "经核查，情况属实，已责令窗口落实一次性告知制度，并向您致歉。"


def _act(complaint: Complaint, action: str) -> str:
    return f"form[action='{reverse('complaints:act', args=[complaint.pk, action])}']"


def test_commitment_complaint_cohandled_disputed_paused_reviewed_and_tracked(
    seed_data,  # noqa: F811
    live_server,
    cast,
    township_head,
    page,
    output_dir,
    settings,
):
    settings.COMPLAINTS_FORM_MIN_SECONDS = 0  # the time trap is tested elsewhere
    url = live_server.url
    commitment = commitment_make(cast.dept_a, cast.head_a, window="企业登记窗口")

    # 1. The citizen finds the commitment on the public page and complains about it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url + reverse("complaints:public_commitments"))
    page.locator(f'[data-commitment="{commitment.pk}"]').get_by_role(
        "link", name=_("Complain about this commitment")
    ).click()
    page.locator("#id_title").wait_for()
    assert page.locator("#id_commitment").input_value() == str(commitment.pk)
    page.locator("#id_title").fill("营业执照变更登记超时未办结")
    page.locator("#id_content").fill(
        "11月2日提交营业执照变更登记材料，窗口承诺3个工作日办结，至今未办，且未一次性告知所缺材料。"
    )
    page.screenshot(path=str(output_dir / "01-public-form-with-commitment.png"), full_page=True)
    page.locator("form.zf-form button[type=submit]").click()
    page.wait_for_url("**" + reverse("complaints:public_submitted"))
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    complaint = Complaint.objects.get()
    assert complaint.commitment == commitment and complaint.subject_unit == cast.dept_a
    page.screenshot(path=str(output_dir / "02-tracking-code.png"), full_page=True)

    # 2. The officer accepts and dispatches: the regulator leads, the bureau co-handles.
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, url, "officer")
    page.goto(url + reverse("complaints:detail", args=[complaint.pk]))
    page.get_by_test_id("commitment").wait_for()
    page.get_by_test_id("accept").click()
    page.locator("#assign_unit").wait_for(state="attached")
    assert page.locator("#assign_unit").input_value() == str(cast.dept_a.pk)
    pick_unit(page, page.locator("#assign_cohandler_1"), "教育", "县教育局")
    page.locator("#assign_cohandler_1_task").fill(INTERNAL["part_task"])
    page.screenshot(path=str(output_dir / "03-officer-dispatch.png"), full_page=True)
    page.get_by_test_id("assign").click()
    page.get_by_test_id("parts").wait_for()
    complaint.refresh_from_db()
    part = ComplaintPart.objects.get(complaint=complaint)
    assert complaint.status == Complaint.Status.ASSIGNED and complaint.unit == cast.dept_a
    assert part.unit == cast.dept_b

    # 3. The bureau disputes its part within the window.
    browser_login(page, url, "head_b")
    page.goto(url + reverse("complaints:parts"))
    page.get_by_role("link", name=complaint.number).click()
    page.locator("#dispute_reason").fill(INTERNAL["dispute"])
    page.screenshot(path=str(output_dir / "04-cohandler-disputes.png"), full_page=True)
    page.get_by_test_id("part-dispute").click()
    page.get_by_test_id("dispute-pending").wait_for()
    dispute = DispatchDispute.objects.get(complaint=complaint)

    # 4. The officer re-dispatches the part to the township.
    browser_login(page, url, "officer")
    page.goto(url + reverse("complaints:detail", args=[complaint.pk]))
    form = page.get_by_test_id(f"dispute-{dispute.pk}")
    form.locator("input[name=decision][value=redispatch]").check()
    pick_unit(page, form.locator("select[name=unit]"), "城关", "城关镇")
    form.locator("textarea[name=note]").fill(INTERNAL["redispatch"])
    page.screenshot(path=str(output_dir / "05-officer-redispatches.png"), full_page=True)
    form.get_by_test_id("dispute-decide").click()
    page.get_by_test_id("parts").wait_for()
    dispute.refresh_from_db()
    part = ComplaintPart.objects.get(complaint=complaint, unit=cast.township)
    assert dispute.status != DispatchDispute.Status.PENDING

    # 5. The regulator pauses the clock waiting for material, then restarts it.
    browser_login(page, url, "head_a")
    page.goto(url + reverse("complaints:detail", args=[complaint.pk]))
    page.screenshot(path=str(output_dir / "06-lead-case-page.png"), full_page=True)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ASSIGNED, complaint.status
    panel = page.get_by_test_id("pause-panel")
    panel.locator(f"input[name=reason][value={ComplaintPause.Reason.MATERIAL}]").check()
    panel.locator("#pause_detail").fill(INTERNAL["pause_detail"])
    panel.get_by_test_id("pause").click()
    page.get_by_test_id("paused").wait_for()
    page.screenshot(path=str(output_dir / "06-unit-pauses-clock.png"), full_page=True)
    assert ComplaintPause.objects.filter(complaint=complaint, ended_on__isnull=True).exists()
    page.get_by_test_id("resume").click()
    page.get_by_test_id("pause").wait_for()
    assert not ComplaintPause.objects.filter(complaint=complaint, ended_on__isnull=True).exists()

    # 6. The township answers its part.
    browser_login(page, url, township_head.username)
    page.goto(url + reverse("complaints:parts"))
    page.get_by_role("link", name=complaint.number).click()
    page.locator("#answer_facts").fill(INTERNAL["part_facts"])
    page.get_by_test_id("part-answer").click()
    page.get_by_test_id("part-status").wait_for()
    part.refresh_from_db()
    assert part.status == ComplaintPart.Status.ANSWERED

    # 7. The regulator answers the case: the parts are in, so it goes to review.
    browser_login(page, url, "head_a")
    page.goto(url + reverse("complaints:detail", args=[complaint.pk]))
    page.locator("#answer_facts").fill(INTERNAL["facts"])
    page.locator("input[name=verdict][value=substantiated]").check()
    page.locator("#answer_measures").fill(INTERNAL["measures"])
    page.locator("#answer_public_reply").fill(REPLY)
    page.screenshot(path=str(output_dir / "07-lead-answers.png"), full_page=True)
    page.get_by_test_id("answer").click()
    page.wait_for_load_state()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ANSWERED

    # 8. The officer accepts the answer and records the return visit.
    browser_login(page, url, "officer")
    page.goto(url + reverse("complaints:detail", args=[complaint.pk]))
    review = page.locator(_act(complaint, "review"))
    review.locator("input[name=decision][value=approve]").check()
    review.locator("textarea[name=note]").fill(INTERNAL["review"])
    review.get_by_test_id("review").click()
    page.locator(_act(complaint, "rate")).wait_for()
    visit = page.locator(_act(complaint, "rate"))
    visit.locator("input[name=satisfaction][value=satisfied]").check()
    visit.locator("textarea[name=comment]").fill(INTERNAL["visit"])
    page.screenshot(path=str(output_dir / "08-officer-return-visit.png"), full_page=True)
    visit.locator("button").click()
    page.wait_for_load_state()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED

    # 9. The citizen sees every stage on the status page, and nothing internal.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url + reverse("complaints:public_track"))
    page.locator("input[name=code]").fill(code)
    page.locator(f"form[action='{reverse('complaints:public_track')}'] button").click()
    page.get_by_test_id("public-stages").wait_for()
    page.screenshot(path=str(output_dir / "09-public-status-mobile.png"), full_page=True)
    stages = page.get_by_test_id("public-stages").locator("li")
    states = {
        stages.nth(i).get_attribute("data-stage"): stages.nth(i).get_attribute("data-state")
        for i in range(stages.count())
    }
    assert all(state == "done" for state in states.values()), states
    assert len(states) >= 6, states
    events = page.get_by_test_id("public-timeline")
    assert events.locator("[data-stage]").count() >= 6
    assert events.locator("li[data-stage=pause]").count() >= 1
    assert REPLY in page.get_by_test_id("public-reply").inner_text()
    html = page.content()
    for text in INTERNAL.values():
        assert text not in html, text
    assert "县教育局" not in html and "城关镇" not in html  # units' internal routing
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(output_dir / "10-public-status-desktop.png"), full_page=True)
