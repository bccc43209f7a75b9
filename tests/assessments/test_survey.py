"""Mass survey: codes, one vote per code and unit, refusals, anonymity, open mode, feedback."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from assessments import services
from assessments.models import RaterToken, SurveyAnswer, SurveyResponse, TokenUse
from units.models import Notification

pytestmark = pytest.mark.django_db


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


def test_bulk_tokens_are_many_random_and_unique(survey):
    started = time.monotonic()
    codes = _codes(survey, count=5000)
    assert time.monotonic() - started < 10
    assert len(codes) == len(set(codes)) == 5000
    # 16 symbols of a 32-letter alphabet: 80 random bits each.
    assert all(len(c) == 16 and set(c) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for c in codes)


def test_only_managers_generate_tokens(survey, cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.tokens_generate(
            survey=survey, category=survey.categories.first(), count=1, actor=cast.leader
        )


def test_vote_page_records_one_vote_and_refuses_the_second(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "服务态度" in content and "廉洁自律" in content and "基本满意" in content
    response = client.post(url, _post_for(survey, [cast.dept_a, cast.dept_b]))
    assert response.status_code == 200
    assert "感谢参评" in response.content.decode()
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


def test_incomplete_answers_are_refused_and_the_code_stays_unused(client, survey, cast):
    code = _codes(survey)[0]
    url = reverse("assessments:survey_vote", args=[survey.pk, code])
    data = _post_for(survey, [cast.dept_a])
    data.pop(next(iter(data)))
    response = client.post(url, data)
    assert response.status_code == 400
    assert "请对所评议单位的每一项作出评价" in response.content.decode()
    assert RaterToken.objects.get(code=code).used_at is None


def test_anonymised_survey_cuts_the_link_but_blocks_a_second_vote(survey, cast):
    code = _codes(survey)[0]
    ratings = {cast.dept_a.pk: {d.pk: survey.scale.first().pk for d in survey.dimensions.all()}}
    services.survey_submit(survey_id=survey.pk, code=code, ratings=ratings)
    response = SurveyResponse.objects.get()
    assert response.token_id is None and response.category is not None
    assert TokenUse.objects.filter(token__code=code, unit=cast.dept_a).exists()
    # Even if the used mark were cleared, the (code, unit) row refuses a second vote.
    RaterToken.objects.filter(code=code).update(used_at=None)
    with pytest.raises(services.SurveyRefused):
        services.survey_submit(survey_id=survey.pk, code=code, ratings=ratings)
    assert SurveyResponse.objects.count() == 1


def test_named_survey_keeps_the_token_on_the_response(survey, cast):
    survey.anonymised = False
    survey.save(update_fields=["anonymised"])
    code = _codes(survey)[0]
    ratings = {cast.dept_b.pk: {d.pk: survey.scale.last().pk for d in survey.dimensions.all()}}
    services.survey_submit(survey_id=survey.pk, code=code, ratings=ratings)
    assert SurveyResponse.objects.get().token.code == code


def test_closed_survey_refuses(client, survey, cast):
    code = _codes(survey)[0]
    services.survey_close(survey=survey, actor=cast.officer)
    response = client.get(reverse("assessments:survey_vote", args=[survey.pk, code]))
    assert response.status_code == 403
    assert "本次评议未在进行中" in response.content.decode()


def test_comments_are_routed_to_the_unit_as_feedback(
    client, client_for, survey, cast, django_capture_on_commit_callbacks
):
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


def test_open_mode_is_flagged_separate_and_rate_limited(client, survey, cast, settings):
    settings.ASSESSMENTS_OPEN_VOTE_RATE = "2/h"
    url = reverse("assessments:survey_open_vote", args=[survey.pk])
    assert client.get(url).status_code == 200
    for _ in range(2):
        assert client.post(url, _post_for(survey, [cast.dept_a])).status_code == 200
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

    ratings = {cast.dept_a.pk: {d.pk: survey.scale.first().pk for d in survey.dimensions.all()}}
    services.survey_submit_open(survey_id=survey.pk, ratings=ratings)
    scoring.stage_survey(survey.scheme, scoring.assessed_units(survey.scheme).values("pk"))
    assert not SurveyCategoryScore.objects.exists()


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
    option = survey.scale.first().pk
    ratings = {
        u.pk: {d.pk: option for d in survey.dimensions.all()} for u in (cast.dept_a, cast.dept_b)
    }
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
    assert TokenUse.objects.filter(token__code=code).count() == 2


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
