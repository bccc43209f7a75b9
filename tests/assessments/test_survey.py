"""Mass survey: codes, one vote per code, refusals, anonymity, open mode, feedback, closing.

Texts added with this work are checked by what they name (the unit, the question), which
reads the same in English and Chinese; texts already in the catalogue are checked in Chinese.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services
from assessments.models import (
    AssessmentScheme,
    RaterToken,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    SurveyTransition,
    TokenUse,
)
from units.models import Notification, SecurityEvent

pytestmark = pytest.mark.django_db

POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database's own guards are PostgreSQL triggers"
)


@pytest.fixture
def survey(cast):
    scheme = services.scheme_create(year=2026, name="2026年度考核", actor=cast.officer)
    survey = services.survey_create(
        scheme=scheme,
        title="2026年度民主评议",
        units=[cast.dept_a, cast.dept_b],
        actor=cast.officer,
        open_mode=True,
    )
    return services.survey_open(survey=survey, actor=cast.officer)


def _codes(survey, count=3):
    category = survey.categories.first()
    services.tokens_generate(survey=survey, category=category, count=count, actor=None)
    return list(RaterToken.objects.filter(survey=survey).values_list("code", flat=True))


def _post_for(survey, units, label="满意", comment=""):
    option = survey.scale.get(label=label).pk
    data = {}
    for unit in units:
        for dim in survey.dimensions.all():
            data[f"r_{unit.pk}_{dim.pk}"] = str(option)
        if comment:
            data[f"c_{unit.pk}"] = comment
    return data


def _ratings(survey, units, label="满意"):
    option = survey.scale.get(label=label).pk
    return {u.pk: {d.pk: option for d in survey.dimensions.all()} for u in units}


def _page(survey, unit, step, label="满意", comment="", go="next", leave_out=()):
    """One unit's page as the rater sends it, leaving out the dimensions named."""
    data = {"step": str(step), "go": go}
    option = survey.scale.get(label=label).pk
    for dim in survey.dimensions.all():
        if dim.name not in leave_out:
            data[f"r_{unit.pk}_{dim.pk}"] = str(option)
    if comment:
        data[f"c_{unit.pk}"] = comment
    return data


def test_bulk_tokens_are_many_random_and_unique(survey):
    codes = _codes(survey, count=5000)
    assert len(codes) == len(set(codes)) == 5000
    # 16 symbols of a 32-letter alphabet: 80 random bits each.
    assert all(len(c) == 16 and set(c) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for c in codes)


def test_only_managers_generate_tokens(survey, cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.tokens_generate(
            survey=survey, category=survey.categories.first(), count=1, actor=cast.leader
        )


def test_one_page_vote_records_one_vote_and_refuses_the_second(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "服务态度" in content and "廉洁自律" in content and "基本满意" in content
    response = client.post(url, _post_for(survey, [cast.dept_a, cast.dept_b]))
    # Post, redirect, get: the thanks are a page of their own, which a reload shows again
    # without sending the vote a second time.
    thanks_url = reverse("assessments:survey_thanks", args=[survey.pk])
    assert response.status_code == 302 and response.url == thanks_url
    for _ in range(2):
        thanks = client.get(thanks_url)
        assert thanks.status_code == 200 and "感谢参评" in thanks.content.decode()
        assert thanks["Cache-Control"] == "no-store"
    # Without the cookie the vote set (another browser, another survey), nothing is shown.
    assert Client().get(thanks_url).status_code == 404
    elsewhere = reverse("assessments:survey_thanks", args=[survey.pk + 1])
    assert client.get(elsewhere).status_code == 404
    assert SurveyResponse.objects.filter(survey=survey).count() == 2
    assert SurveyAnswer.objects.count() == 16
    again = client.post(url, _post_for(survey, [cast.dept_a]))
    assert again.status_code == 409
    assert "该评议码已经使用过" in again.content.decode()
    assert client.get(url).status_code == 409
    assert SurveyResponse.objects.filter(survey=survey).count() == 2


def test_forged_and_foreign_codes_are_refused(client, survey, cast):
    forged = client.get(reverse("assessments:survey_vote", args=[survey.pk, "AAAAAAAAAAAAAAAA"]))
    assert forged.status_code == 404
    assert "评议码无效" in forged.content.decode()
    other = services.survey_create(
        scheme=survey.scheme, title="另一次评议", units=[cast.dept_a], actor=None
    )
    services.survey_open(survey=other, actor=None)
    foreign_code = _codes(other, count=1)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, foreign_code])
    response = client.post(url, _post_for(survey, [cast.dept_a]))
    assert response.status_code == 400
    assert "不属于本次评议" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_guessing_codes_is_limited_but_a_valid_code_opens_many_pages(client, survey, settings):
    settings.ASSESSMENTS_CODE_VOTE_RATE = "3/h"
    code = _codes(survey, count=1)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    # A rater walks through many pages: none of them counts against the address.
    for step in (1, 2, 1, 2, "review"):
        assert client.get(url, {"step": step}).status_code == 200
    forged = reverse("assessments:survey_vote", args=[survey.pk, "AAAAAAAAAAAAAAAA"])
    assert [client.get(forged).status_code for _ in range(4)] == [404, 404, 404, 429]
    # Once over the limit, the address is refused even with a valid code.
    assert client.get(url).status_code == 429


# --- One unit per page ------------------------------------------------------------------


def test_pages_keep_answers_and_name_the_unit_and_question_left_out(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    first = client.get(url).content.decode()
    assert "Unit 1 of 2" in first or "第 1 / 2 个单位" in first
    assert cast.dept_a.name in first and cast.dept_b.name not in first
    moved = client.post(url, _page(survey, cast.dept_a, 1, comment="窗口服务好"))
    assert moved.status_code == 302 and moved.url.endswith("?step=2")
    # Nothing is filed before the final submit.
    assert not SurveyResponse.objects.exists()
    assert not RaterToken.objects.get(code=code).used
    second = client.get(moved.url).content.decode()
    assert "Unit 2 of 2" in second or "第 2 / 2 个单位" in second
    # One answer left out on the second unit.
    left_out = client.post(
        url, _page(survey, cast.dept_b, 2, label="基本满意", leave_out=["服务态度"])
    )
    assert left_out.status_code == 400
    body = left_out.content.decode()
    error = body.split('data-testid="vote-error">', 1)[1].split("</div>", 1)[0]
    assert cast.dept_b.name in error and "服务态度" in error
    # The seven answers given on this page are still chosen, and the first unit's too.
    assert body.count(" checked") == 7
    back = client.get(url, {"step": 1}).content.decode()
    assert back.count(" checked") == 8 and "窗口服务好" in back
    # Completed: on to the review, then filed at once.
    done = client.post(url, _page(survey, cast.dept_b, 2, label="基本满意"))
    assert done.status_code == 302 and done.url.endswith("?step=review")
    review = client.get(done.url).content.decode()
    assert cast.dept_a.name in review and cast.dept_b.name in review
    filed = client.post(url, {"step": "review", "go": "submit"})
    thanks = client.get(filed.url)
    assert thanks.status_code == 200 and "感谢参评" in thanks.content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 2
    assert SurveyResponse.objects.get(unit=cast.dept_a).comment == "窗口服务好"
    values = SurveyAnswer.objects.filter(response__unit=cast.dept_b).values_list(
        "option__label", flat=True
    )
    assert set(values) == {"基本满意"} and len(values) == 8
    assert RaterToken.objects.get(code=code).used


def test_the_draft_leaves_the_session_when_the_vote_is_filed(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    client.post(url, _page(survey, cast.dept_a, 1))
    stored = [s.get_decoded() for s in Session.objects.all()]
    assert any(code in key for data in stored for key in data)
    client.post(url, _page(survey, cast.dept_b, 2))
    client.post(url, {"step": "review", "go": "submit"})
    # The session held nothing else: it is deleted, not left with the last draft in it.
    for session in Session.objects.all():
        assert not any(code in key for key in session.get_decoded())
        assert code not in str(session.get_decoded())


def test_a_unit_can_be_skipped_and_going_back_keeps_answers(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    skipped = client.post(url, _page(survey, cast.dept_a, 1, go="skip"))
    assert skipped.url.endswith("?step=2")
    back = client.post(url, _page(survey, cast.dept_b, 2, label="不满意", go="prev"))
    assert back.url.endswith("?step=1")
    assert client.get(url, {"step": 2}).content.decode().count(" checked") == 8
    client.post(url, {"step": "review", "go": "submit"})
    assert list(SurveyResponse.objects.values_list("unit", flat=True)) == [cast.dept_b.pk]


def test_submitting_with_a_unit_half_done_returns_to_that_unit(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    client.post(url, _page(survey, cast.dept_a, 1, leave_out=["廉洁自律"], go="review"))
    refused = client.post(url, {"step": "review", "go": "submit"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert cast.dept_a.name in body and "廉洁自律" in body
    assert body.count(" checked") == 7
    assert not SurveyResponse.objects.exists() and not RaterToken.objects.get(code=code).used


def test_submitting_nothing_is_refused_on_the_review_page(client, survey):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    refused = client.post(url, {"step": "review", "go": "submit"})
    assert refused.status_code == 400
    assert "请至少评议一个单位" in refused.content.decode()


def test_one_page_post_with_an_answer_left_out_names_it_and_keeps_the_rest(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    data = _post_for(survey, [cast.dept_a, cast.dept_b])
    dimension = survey.dimensions.get(name="办事效率")
    data.pop(f"r_{cast.dept_b.pk}_{dimension.pk}")
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert cast.dept_b.name in body and "办事效率" in body
    assert body.count(" checked") == 7
    assert not RaterToken.objects.get(code=code).used
    assert client.get(url, {"step": 1}).content.decode().count(" checked") == 8


def test_forged_choices_are_refused_without_a_trace(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    data = _page(survey, cast.dept_a, 1)
    data[next(k for k in data if k.startswith("r_"))] = "999999"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "无法读取答卷" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_open_mode_uses_the_same_pages(client, survey, cast):
    url = reverse("assessments:survey_open_vote", args=[survey.pk])
    first = client.get(url).content.decode()
    assert "公开参评" in first
    client.post(url, _page(survey, cast.dept_a, 1, label="不满意"))
    client.post(url, _page(survey, cast.dept_b, 2, go="skip"))
    done = client.post(url, {"step": "review", "go": "submit"})
    assert done.status_code == 302
    assert done.url == reverse("assessments:survey_thanks", args=[survey.pk])
    response = SurveyResponse.objects.get()
    assert response.is_open and response.unit == cast.dept_a and response.category is None


def test_open_mode_is_flagged_separate_and_rate_limited(client, survey, cast, settings):
    settings.ASSESSMENTS_OPEN_VOTE_RATE = "2/h"
    url = reverse("assessments:survey_open_vote", args=[survey.pk])
    assert client.get(url).status_code == 200
    # Pages do not count, only the final submits.
    for _ in range(3):
        client.post(url, _page(survey, cast.dept_a, 1, go="prev"))
    for _ in range(2):
        assert client.post(url, _post_for(survey, [cast.dept_a])).status_code == 302
    limited = client.post(url, _post_for(survey, [cast.dept_a]))
    assert limited.status_code == 429
    assert "提交次数过多" in limited.content.decode()
    assert SurveyResponse.objects.filter(is_open=True).count() == 2
    assert not SurveyResponse.objects.filter(is_open=False).exists()


def test_open_mode_is_refused_when_not_enabled(client, survey, cast):
    survey.open_mode = False
    survey.save(update_fields=["open_mode"])
    response = client.post(
        reverse("assessments:survey_open_vote", args=[survey.pk]), _post_for(survey, [cast.dept_a])
    )
    assert response.status_code == 404
    assert "不接受无评议码参评" in response.content.decode()


def test_open_answers_are_not_scored(survey, cast):
    from assessments import scoring
    from assessments.models import SurveyCategoryScore

    services.survey_submit_open(survey_id=survey.pk, ratings=_ratings(survey, [cast.dept_a]))
    scoring.stage_survey(survey.scheme, scoring.assessed_units(survey.scheme).values("pk"))
    assert not SurveyCategoryScore.objects.exists()


def test_page_query_count_is_flat(client, survey, cast, django_assert_max_num_queries):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    client.post(url, _page(survey, cast.dept_a, 1))
    with django_assert_max_num_queries(10):
        client.get(url, {"step": 2})
    with django_assert_max_num_queries(10):
        client.get(url, {"step": "review"})


# --- Anonymity that cannot be undone -----------------------------------------------------


def test_anonymised_vote_keeps_no_link_and_blocks_a_second_vote(survey, cast):
    code = _codes(survey)[0]
    ratings = _ratings(survey, [cast.dept_a])
    services.survey_submit(survey_id=survey.pk, code=code, ratings=ratings)
    response = SurveyResponse.objects.get()
    assert response.token_id is None and response.category is not None
    token = RaterToken.objects.get(code=code)
    # The code knows only that it was used: no time, no units.
    assert token.used and token.used_at is None
    assert not TokenUse.objects.exists()
    with pytest.raises(services.SurveyRefused):
        services.survey_submit(survey_id=survey.pk, code=code, ratings=ratings)
    assert SurveyResponse.objects.count() == 1


def test_named_survey_keeps_the_code_on_the_response(survey, cast):
    services.survey_set_anonymised(survey=survey, anonymised=False, actor=cast.officer)
    code = _codes(survey)[0]
    services.survey_submit(
        survey_id=survey.pk, code=code, ratings=_ratings(survey, [cast.dept_b], "不满意")
    )
    assert SurveyResponse.objects.get().token.code == code
    token = RaterToken.objects.get(code=code)
    assert token.used and token.used_at is not None
    assert TokenUse.objects.filter(token=token, unit=cast.dept_b).exists()


def test_anonymity_cannot_change_once_there_are_votes(survey, cast):
    # Before any vote the setting may change, either way.
    services.survey_set_anonymised(survey=survey, anonymised=False, actor=cast.officer)
    services.survey_set_anonymised(survey=survey, anonymised=True, actor=cast.officer)
    code = _codes(survey, count=1)[0]
    services.survey_submit(survey_id=survey.pk, code=code, ratings=_ratings(survey, [cast.dept_a]))
    with pytest.raises(ValidationError) as refused:
        services.survey_set_anonymised(survey=survey, anonymised=False, actor=cast.officer)
    assert "cannot be restored" in str(refused.value) or "无法恢复" in str(refused.value)
    survey.refresh_from_db()
    assert survey.anonymised
    # Open-mode answers are votes too: a named survey with them stays named.
    named = services.survey_create(
        scheme=survey.scheme,
        title="实名评议",
        units=[cast.dept_a],
        actor=None,
        anonymised=False,
        open_mode=True,
    )
    services.survey_open(survey=named, actor=None)
    services.survey_submit_open(survey_id=named.pk, ratings=_ratings(named, [cast.dept_a]))
    with pytest.raises(ValidationError):
        services.survey_set_anonymised(survey=named, anonymised=True, actor=None)


@POSTGRES
def test_the_database_refuses_what_would_link_codes_to_answers(survey, cast):
    code = _codes(survey, count=2)[0]
    services.survey_submit(survey_id=survey.pk, code=code, ratings=_ratings(survey, [cast.dept_a]))
    token = RaterToken.objects.get(code=code)
    spare = RaterToken.objects.exclude(pk=token.pk).get()
    attempts = [
        lambda: Survey.objects.filter(pk=survey.pk).update(anonymised=False),
        lambda: SurveyResponse.objects.filter(survey=survey).update(token=token),
        lambda: RaterToken.objects.filter(pk=token.pk).update(used_at=timezone.now()),
        lambda: TokenUse.objects.create(token=spare, unit=cast.dept_b),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    assert Survey.objects.get(pk=survey.pk).anonymised
    assert not SurveyResponse.objects.filter(token__isnull=False).exists()


def test_answers_carry_no_code_no_time_and_no_order_of_the_votes(survey, cast):
    """Twelve raters vote one after another, each with a comment that tells them apart here.
    Nothing stored ties a response to its code: no code column filled, no time finer than a
    day, and neither the responses' nor the answers' keys follow the order of the votes."""
    codes = _codes(survey, count=12)
    vote_order = []
    for i, code in enumerate(codes):
        services.survey_submit(
            survey_id=survey.pk,
            code=code,
            ratings=_ratings(survey, [cast.dept_a]),
            comments={cast.dept_a.pk: f"意见{i:02d}"},
        )
        vote_order.append(f"意见{i:02d}")
    rows = list(SurveyResponse.objects.filter(survey=survey).order_by("pk"))
    assert all(r.token_id is None for r in rows)
    by_key = [r.comment for r in rows]
    assert sorted(by_key) == vote_order
    assert by_key != vote_order and by_key != vote_order[::-1]
    first_answer = {
        r: min(SurveyAnswer.objects.filter(response=r).values_list("pk", flat=True)) for r in rows
    }
    by_answer_key = [r.comment for r in sorted(rows, key=first_answer.get)]
    assert by_answer_key != vote_order
    # No column of a response or an answer holds a time, and none points at a code but the
    # (empty) token; codes hold no time of use and no units.
    for model in (SurveyResponse, SurveyAnswer):
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateTimeField), (model, field.name)
            if field.is_relation and field.related_model is RaterToken:
                assert field.name == "token"
    assert isinstance(SurveyResponse._meta.get_field("submitted_on"), models.DateField)
    assert not RaterToken.objects.filter(survey=survey, used_at__isnull=False).exists()
    assert not TokenUse.objects.exists()
    # Nor the notices: comments of an anonymised survey are not sent at the moment of a vote.
    assert not Notification.objects.filter(object_key__startswith="survey-feedback").exists()


def test_no_admin_page_lists_codes_or_answers():
    for model in (RaterToken, TokenUse, SurveyResponse, SurveyAnswer):
        assert not admin.site.is_registered(model), model


def test_admin_shows_anonymity_read_only_once_there_are_votes(client_for, survey, cast):
    client = client_for(cast.officer)
    url = reverse("admin:assessments_survey_change", args=[survey.pk])
    assert 'name="anonymised"' in client.get(url).content.decode()
    code = _codes(survey, count=1)[0]
    services.survey_submit(survey_id=survey.pk, code=code, ratings=_ratings(survey, [cast.dept_a]))
    page = client.get(url).content.decode()
    assert 'name="anonymised"' not in page
    form = {
        "scheme": survey.scheme_id,
        "title": survey.title,
        "intro": "",
        "open_mode": "on",
        "units": [cast.dept_a.pk, cast.dept_b.pk],
    }
    for prefix in ("categories", "dimensions", "scale"):
        form.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    client.post(url, form)
    survey.refresh_from_db()
    assert survey.anonymised


def test_admin_form_refuses_the_change_if_votes_arrive_meanwhile(survey, cast):
    from assessments.admin import SurveyAdminForm

    code = _codes(survey, count=1)[0]
    services.survey_submit(survey_id=survey.pk, code=code, ratings=_ratings(survey, [cast.dept_a]))
    form = SurveyAdminForm(
        instance=survey,
        data={
            "scheme": survey.scheme_id,
            "title": survey.title,
            "units": [cast.dept_a.pk],
            "open_mode": "on",
        },
    )
    assert not form.is_valid()
    assert "anonymised" in form.errors


def test_codes_export_counts_use_per_category_and_never_per_code(client_for, survey, cast):
    codes = _codes(survey, count=4)
    for code in codes[:3]:
        services.survey_submit(
            survey_id=survey.pk, code=code, ratings=_ratings(survey, [cast.dept_a])
        )
    url = reverse("assessments:survey_tokens_export", args=[survey.pk])
    book = load_workbook(BytesIO(client_for(cast.officer).get(url).content))
    sheet = [list(row) for row in book["评议码"].iter_rows(values_only=True)]
    assert sheet[0] == ["评议人类别", "评议码", "评议链接"]
    assert {row[1] for row in sheet[1:]} == set(codes)
    assert all(len(row) == 3 for row in sheet)
    usage = [list(row) for row in book["使用情况"].iter_rows(values_only=True)]
    assert usage[0] == ["评议人类别", "已发放", "已使用", "未使用"]
    assert usage[1] == [survey.categories.first().name, 4, 3, 1]


def test_named_survey_export_still_says_which_code_was_used(client_for, survey, cast):
    services.survey_set_anonymised(survey=survey, anonymised=False, actor=None)
    codes = _codes(survey, count=2)
    services.survey_submit(
        survey_id=survey.pk, code=codes[0], ratings=_ratings(survey, [cast.dept_a])
    )
    url = reverse("assessments:survey_tokens_export", args=[survey.pk])
    book = load_workbook(BytesIO(client_for(cast.officer).get(url).content))
    rows = {row[1]: row[3] for row in book["评议码"].iter_rows(min_row=2, values_only=True)}
    assert rows == {codes[0]: "是", codes[1]: "否"}


# --- Feedback ------------------------------------------------------------------------------


def test_named_survey_comments_reach_the_unit_at_once(
    client, client_for, survey, cast, django_capture_on_commit_callbacks
):
    services.survey_set_anonymised(survey=survey, anonymised=False, actor=None)
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _post_for(survey, [cast.dept_a], comment="窗口排队时间太长"))
    feedback = Notification.objects.filter(object_key__startswith="survey-feedback")
    notice = feedback.get(recipient=cast.head_a)
    assert "民主评议" in notice.title and notice.body == "窗口排队时间太长"
    assert not feedback.filter(recipient=cast.head_b).exists()
    page = client_for(cast.head_a).get(reverse("assessments:feedback_list"))
    assert "窗口排队时间太长" in page.content.decode()
    other = client_for(cast.head_b).get(reverse("assessments:feedback_list"))
    assert "窗口排队时间太长" not in other.content.decode()


def test_anonymised_comments_reach_the_unit_counted_when_the_survey_closes(
    client, survey, cast, django_capture_on_commit_callbacks
):
    codes = _codes(survey, count=2)
    with django_capture_on_commit_callbacks(execute=True):
        for code, text in zip(codes, ("窗口排队时间太长", "办事效率高"), strict=True):
            url = reverse("assessments:survey_vote", args=[survey.pk, code])
            client.post(url, _post_for(survey, [cast.dept_a], comment=text))
    feedback = Notification.objects.filter(object_key__startswith="survey-feedback")
    assert not feedback.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_close(survey=survey, actor=cast.officer)
    notice = feedback.get(recipient=cast.head_a)
    assert "2" in notice.body and "窗口排队" not in notice.body
    assert not feedback.filter(recipient=cast.head_b).exists()


# --- Closing ------------------------------------------------------------------------------


def test_closed_survey_refuses_with_a_clear_page(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    client.post(url, _page(survey, cast.dept_a, 1))
    services.survey_close(survey=survey, actor=cast.officer)
    response = client.get(url)
    assert response.status_code == 410
    body = response.content.decode()
    assert "ended" in body or "结束" in body
    assert survey.title in body
    posted = client.post(url, {"step": "review", "go": "submit"})
    assert posted.status_code == 410
    assert not SurveyResponse.objects.exists()
    with pytest.raises(services.SurveyRefused):
        services.survey_submit(
            survey_id=survey.pk, code=code, ratings=_ratings(survey, [cast.dept_a])
        )
    opened = client.get(reverse("assessments:survey_open_vote", args=[survey.pk]))
    assert opened.status_code == 410
    # Not a refused access: nothing in the security log (its path would carry the code).
    assert not SecurityEvent.objects.filter(path__contains=code).exists()


def test_a_survey_not_started_says_so(client, cast):
    scheme = services.scheme_create(year=2026, name="2026年度考核", actor=None)
    survey = services.survey_create(
        scheme=scheme, title="待开始的评议", units=[cast.dept_a], actor=None
    )
    code = _codes(survey, count=1)[0]
    page = client.get(reverse("assessments:survey_vote", args=[survey.pk, code]))
    assert page.status_code == 409
    assert "not started" in page.content.decode() or "尚未开始" in page.content.decode()


@pytest.fixture
def published_flow(cast):
    """A scheme in progress with an open survey (a code voted, a code spare), then published."""
    scheme = services.scheme_create_with_defaults(year=2026, actor=cast.officer)
    scheme = services.scheme_open(scheme=scheme, actor=cast.officer)
    survey = services.survey_create(
        scheme=scheme, title="2026年度民主评议", units=[cast.dept_a, cast.dept_b], actor=None
    )
    services.survey_open(survey=survey, actor=cast.officer)
    codes = _codes(survey, count=2)
    services.survey_submit(
        survey_id=survey.pk, code=codes[0], ratings=_ratings(survey, [cast.dept_a])
    )
    services.scheme_compute(scheme_id=scheme.pk)
    scheme = services.scheme_publish(
        scheme=AssessmentScheme.objects.get(pk=scheme.pk), actor=cast.officer, public=False
    )
    survey.refresh_from_db()
    return scheme, survey, codes[1]


def test_publishing_the_results_closes_the_survey_with_a_record(client_for, published_flow, cast):
    scheme, survey, _spare = published_flow
    assert scheme.status == AssessmentScheme.Status.PUBLISHED
    assert survey.status == Survey.Status.CLOSED
    record = SurveyTransition.objects.filter(survey=survey).latest("pk")
    assert (record.from_status, record.to_status) == ("open", "closed")
    assert record.actor == cast.officer and record.comment
    page = client_for(cast.officer).get(reverse("assessments:survey_detail", args=[survey.pk]))
    assert 'data-testid="survey-final"' in page.content.decode()


def test_after_publication_votes_are_refused_and_the_survey_stays_closed(
    client, published_flow, cast
):
    _scheme, survey, spare = published_flow
    page = client.get(reverse("assessments:survey_vote", args=[survey.pk, spare]))
    assert page.status_code == 410
    body = page.content.decode()
    assert "published" in body or "公布" in body
    with pytest.raises(services.SurveyRefused):
        services.survey_submit(
            survey_id=survey.pk, code=spare, ratings=_ratings(survey, [cast.dept_a])
        )
    with pytest.raises(ValidationError):
        services.survey_open(survey=survey, actor=cast.officer)
    with pytest.raises(ValidationError):
        services.survey_record_paper_votes(
            survey=survey, votes=[(spare, _ratings(survey, [cast.dept_a]))], actor=cast.officer
        )
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_paper_slips_keep_no_link_in_an_anonymised_survey(survey, cast):
    codes = _codes(survey, count=3)
    services.survey_close(survey=survey, actor=cast.officer)
    # Slips collected during the survey are entered after it closes.
    services.survey_record_paper_votes(
        survey=survey,
        votes=[(code, _ratings(survey, [cast.dept_a, cast.dept_b])) for code in codes],
        actor=cast.officer,
    )
    assert SurveyResponse.objects.filter(token__isnull=True).count() == 6
    assert RaterToken.objects.filter(used=True, used_at__isnull=True).count() == 3
    assert not TokenUse.objects.exists()
    with pytest.raises(ValidationError):
        services.survey_record_paper_votes(
            survey=survey, votes=[(codes[0], _ratings(survey, [cast.dept_a]))], actor=None
        )


# serialized_rollback: the flush after a transactional test must not take the role groups
# and permissions (made by data migrations) away from the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_with_one_code_record_one_vote(cast):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent connections")
    scheme = services.scheme_create(year=2027, name="2027年度考核", actor=None)
    survey = services.survey_create(
        scheme=scheme, title="并发测试", units=[cast.dept_a, cast.dept_b], actor=None
    )
    services.survey_open(survey=survey, actor=None)
    code = _codes(survey, count=1)[0]
    ratings = _ratings(survey, [cast.dept_a, cast.dept_b])
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def vote():
        from django.db import connections

        try:
            barrier.wait()
            services.survey_submit(survey_id=survey.pk, code=code, ratings=ratings)
            outcomes.append("ok")
        except services.SurveyRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 5
    assert SurveyResponse.objects.filter(survey=survey).count() == 2
    assert not TokenUse.objects.filter(token__code=code).exists()


def test_scale_values_are_what_the_seed_says(survey):
    assert [(o.label, o.value) for o in survey.scale.all()] == [
        ("满意", Decimal("1.00")),
        ("基本满意", Decimal("0.60")),
        ("不满意", Decimal("0.00")),
    ]
    assert [d.name for d in survey.dimensions.all()] == [
        "服务态度",
        "依法行政",
        "业务素质",
        "政策执行",
        "工作流程",
        "办事效率",
        "收费情况",
        "廉洁自律",
    ]


def test_a_vote_after_the_computation_holds_publishing_until_computed_again(cast):
    scheme = services.scheme_create_with_defaults(year=2026, actor=cast.officer)
    scheme = services.scheme_open(scheme=scheme, actor=cast.officer)
    survey = services.survey_create(
        scheme=scheme, title="2026年度民主评议", units=[cast.dept_a, cast.dept_b], actor=None
    )
    services.survey_open(survey=survey, actor=cast.officer)
    first, late = _codes(survey, count=2)
    services.survey_submit(survey_id=survey.pk, code=first, ratings=_ratings(survey, [cast.dept_a]))
    services.scheme_compute(scheme_id=scheme.pk)
    # A rater votes after the officer computed: the computed results do not hold that vote.
    services.survey_submit(survey_id=survey.pk, code=late, ratings=_ratings(survey, [cast.dept_a]))
    with pytest.raises(ValidationError, match="重新计算"):
        services.scheme_publish(
            scheme=AssessmentScheme.objects.get(pk=scheme.pk), actor=cast.officer, public=False
        )
    assert AssessmentScheme.objects.get(pk=scheme.pk).status == AssessmentScheme.Status.COMPUTED
    services.scheme_compute(scheme_id=scheme.pk)
    published = services.scheme_publish(
        scheme=AssessmentScheme.objects.get(pk=scheme.pk), actor=cast.officer, public=False
    )
    assert published.status == AssessmentScheme.Status.PUBLISHED
    assert published.computed_inputs["responses"] == 2
