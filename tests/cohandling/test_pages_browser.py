"""The new pages in a real browser (screenshots in test-results/): the officer assigns with a
co-handler picked in the unit picker, the co-handler answers its part, the catalogue page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import Complaint, ComplaintPart, DispatchRule
from tests.otp import browser_login
from tests.picker.helpers import pick_unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_cohandling_and_catalogue_pages(
    live_server, cast, page, output_dir, make_complaint, category
):
    complaint = make_complaint(Complaint.Status.ACCEPTED)
    url = live_server.url
    # The officer keeps the catalogue: dept_a's area goes to its office (办公室).
    browser_login(page, url, "officer")
    page.goto(url + reverse("complaints:rules"))
    page.get_by_test_id("rule-new").click()
    page.locator("#id_category").select_option(str(category.pk))
    pick_unit(page, page.locator("#id_area"), "市场监督", "县市场监督管理局")
    pick_unit(page, page.locator("#id_unit"), "办公室", "县市场监督管理局办公室")
    page.locator("#id_note").fill("三定方案")
    page.screenshot(path=str(output_dir / "01-catalogue-new.png"), full_page=True)
    page.get_by_test_id("rule-save").click()
    page.get_by_test_id("rule-history").wait_for()
    page.screenshot(path=str(output_dir / "02-catalogue-entry.png"), full_page=True)
    assert DispatchRule.objects.get().unit == cast.division_a

    # The case page proposes the catalogue's unit; the officer adds a co-handler.
    page.goto(url + reverse("complaints:detail", args=[complaint.pk]))
    assert page.locator("#assign_unit").input_value() == str(cast.division_a.pk)
    pick_unit(page, page.locator("#assign_cohandler_1"), "教育", "县教育局")
    page.locator("#assign_cohandler_1_task").fill("核实涉及学校收费的部分")
    page.screenshot(path=str(output_dir / "03-assign-with-cohandler.png"), full_page=True)
    page.get_by_test_id("assign").click()
    page.get_by_test_id("parts").wait_for()
    page.screenshot(path=str(output_dir / "04-case-with-parts.png"), full_page=True)
    part = ComplaintPart.objects.get()
    assert part.unit == cast.dept_b

    # The co-handler finds its part and answers it.
    browser_login(page, url, "head_b")
    page.goto(url + reverse("complaints:parts"))
    page.screenshot(path=str(output_dir / "05-cohandler-list.png"), full_page=True)
    page.get_by_role("link", name=complaint.number).click()
    page.locator("#answer_facts").fill("学校收费已核实。")
    page.screenshot(path=str(output_dir / "06-part-page.png"), full_page=True)
    page.get_by_test_id("part-answer").click()
    page.get_by_test_id("part-status").filter(has_text="协办已答复").wait_for()
    part.refresh_from_db()
    assert part.status == ComplaintPart.Status.ANSWERED

    browser_login(page, url, "officer")
    page.goto(url + reverse("complaints:disputes"))
    page.screenshot(path=str(output_dir / "07-disputes.png"), full_page=True)
