"""A rater with a code goes through the survey one unit at a time in a real browser, on a
phone and on a desk computer: an answer left out is named with the unit, nothing given is
lost, and the whole vote is filed at the end."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import RaterToken, SurveyResponse
from tests.factories import make_unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def _choose(page, unit, survey, label, leave_out=()):
    option = survey.scale.get(label=label)
    for dimension in survey.dimensions.all():
        if dimension.name not in leave_out:
            page.locator(f"label[for='r_{unit.pk}_{dimension.pk}_{option.pk}']").click()


def _checked(page, unit, survey):
    return sum(
        page.locator(f"input[name='r_{unit.pk}_{d.pk}']:checked").count()
        for d in survey.dimensions.all()
    )


def _go(page, value):
    page.locator(f"button[name='go'][value='{value}']").click()


def test_rater_goes_unit_by_unit_leaves_an_answer_out_and_completes(
    live_server, cast, page, output_dir
):
    police = make_unit("县公安局", parent=cast.root, code="SLX-GAJ")
    scheme = services.scheme_create(year=2026, name="2026年度考核", actor=None)
    survey = services.survey_create(
        scheme=scheme,
        title="2026年度机关作风民主评议",
        units=[cast.dept_a, cast.dept_b, police, cast.township],
        actor=None,
    )
    services.survey_open(survey=survey, actor=None)
    services.tokens_generate(survey=survey, category=survey.categories.first(), count=1, actor=None)
    code = survey.tokens.get().code
    units = list(survey.units.order_by("path"))
    first, second, third, fourth = units
    url = live_server.url + reverse("assessments:survey_vote", args=[survey.pk, code])

    # A citizen opens the link on the code slip with a phone.
    page.set_viewport_size(PHONE)
    page.goto(url)
    assert page.get_by_role("heading", name="2026年度机关作风民主评议").is_visible()
    assert page.get_by_test_id("unit-name").inner_text() == first.name
    progress = page.get_by_test_id("survey-progress").inner_text()
    assert "1" in progress and "4" in progress
    page.screenshot(path=str(output_dir / "1-first-unit-phone.png"), full_page=True)
    page.set_viewport_size(DESK)
    page.screenshot(path=str(output_dir / "1-first-unit-desk.png"), full_page=True)
    page.set_viewport_size(PHONE)

    _choose(page, first, survey, "满意")
    page.locator(f"#c_{first.pk}").fill("办事窗口可以增加周末服务")
    _go(page, "next")
    page.get_by_test_id("unit-name").filter(has_text=second.name).wait_for()

    # The second unit: one answer left out.
    _choose(page, second, survey, "基本满意", leave_out=["服务态度"])
    _go(page, "next")
    error = page.get_by_test_id("vote-error")
    error.wait_for()
    assert second.name in error.inner_text() and "服务态度" in error.inner_text()
    assert page.get_by_test_id("unit-name").inner_text() == second.name
    assert _checked(page, second, survey) == 7
    page.screenshot(path=str(output_dir / "2-answer-left-out-phone.png"), full_page=True)
    page.set_viewport_size(DESK)
    page.screenshot(path=str(output_dir / "2-answer-left-out-desk.png"), full_page=True)
    page.set_viewport_size(PHONE)

    # Back to the first unit: its answers and comment are still there.
    _go(page, "prev")
    page.get_by_test_id("unit-name").filter(has_text=first.name).wait_for()
    assert _checked(page, first, survey) == 8
    assert page.locator(f"#c_{first.pk}").input_value() == "办事窗口可以增加周末服务"
    _go(page, "next")
    page.get_by_test_id("unit-name").filter(has_text=second.name).wait_for()
    assert _checked(page, second, survey) == 7
    option = survey.scale.get(label="基本满意")
    dimension = survey.dimensions.get(name="服务态度")
    page.locator(f"label[for='r_{second.pk}_{dimension.pk}_{option.pk}']").click()
    _go(page, "next")
    page.get_by_test_id("unit-name").filter(has_text=third.name).wait_for()
    _choose(page, third, survey, "不满意")
    _go(page, "next")
    page.get_by_test_id("unit-name").filter(has_text=fourth.name).wait_for()
    # The rater does not know the fourth unit.
    page.get_by_test_id("skip").click()
    page.get_by_test_id("review-list").wait_for()
    assert not SurveyResponse.objects.exists()
    page.screenshot(path=str(output_dir / "3-review-phone.png"), full_page=True)

    page.get_by_test_id("submit").click()
    page.get_by_test_id("thanks").wait_for()
    page.screenshot(path=str(output_dir / "4-end-phone.png"), full_page=True)
    page.set_viewport_size(DESK)
    page.screenshot(path=str(output_dir / "4-end-desk.png"), full_page=True)

    filed = SurveyResponse.objects.filter(survey=survey)
    assert set(filed.values_list("unit", flat=True)) == {first.pk, second.pk, third.pk}
    assert not filed.filter(token__isnull=False).exists()
    assert filed.get(unit=first).comment == "办事窗口可以增加周末服务"
    assert RaterToken.objects.get(code=code).used

    # The same link again: the code has voted.
    page.set_viewport_size(PHONE)
    page.goto(url)
    assert "已经使用过" in page.get_by_test_id("refusal").inner_text()
    page.screenshot(path=str(output_dir / "5-code-used-phone.png"), full_page=True)

    # Another rater comes after the survey has closed.
    services.tokens_generate(survey=survey, category=survey.categories.first(), count=1, actor=None)
    late = survey.tokens.get(used=False).code
    services.survey_close(survey=survey, actor=None)
    page.goto(live_server.url + reverse("assessments:survey_vote", args=[survey.pk, late]))
    page.get_by_test_id("refusal").wait_for()
    assert survey.title in page.content()
    page.screenshot(path=str(output_dir / "6-survey-closed-phone.png"), full_page=True)
