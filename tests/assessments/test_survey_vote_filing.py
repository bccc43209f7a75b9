"""One vote files exactly its answers in two statements; a refused vote files nothing; what
a vote is checked against (assessments.survey_sets) follows every change to the survey."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from assessments import services
from assessments.models import (
    RaterToken,
    ScaleOption,
    SurveyAnswer,
    SurveyDimension,
    SurveyResponse,
    TokenUse,
)
from assessments.services import SurveyRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(cast):
    scheme = services.scheme_create(year=2026, name="2026年度考核", actor=cast.officer)
    survey = services.survey_create(
        scheme=scheme,
        title="2026年度民主评议",
        units=[cast.dept_a, cast.dept_b],
        actor=cast.officer,
    )
    return services.survey_open(survey=survey, actor=cast.officer)


def _code(survey, category_index=0):
    category = list(survey.categories.order_by("sort_order"))[category_index]
    services.tokens_generate(survey=survey, category=category, count=1, actor=None)
    return RaterToken.objects.filter(survey=survey, category=category).latest("pk")


def _varied(survey, units):
    """Each unit's dimensions answered with different choices, so values can be checked."""
    options = list(survey.scale.order_by("sort_order").values_list("pk", flat=True))
    dimensions = list(survey.dimensions.order_by("sort_order").values_list("pk", flat=True))
    return {
        unit.pk: {d: options[(i + j) % len(options)] for j, d in enumerate(dimensions)}
        for i, unit in enumerate(units)
    }


def _filed(survey):
    return {
        (unit, dimension): option
        for unit, dimension, option in SurveyAnswer.objects.filter(
            response__survey=survey
        ).values_list("response__unit_id", "dimension_id", "option_id")
    }


def _nothing_filed(survey, token):
    token.refresh_from_db()
    return (
        not SurveyResponse.objects.filter(survey=survey).exists()
        and not SurveyAnswer.objects.exists()
        and not TokenUse.objects.exists()
        and not token.used
        and token.used_at is None
    )


def test_a_vote_files_exactly_its_answers(survey, cast):
    token = _code(survey, category_index=1)
    ratings = _varied(survey, [cast.dept_a, cast.dept_b])
    count = services.survey_submit(
        survey_id=survey.pk,
        code=token.code.lower(),  # typed in lower case: the same code
        ratings=ratings,
        comments={cast.dept_b.pk: "  窗口服务态度好  "},
    )
    assert count == 2
    responses = SurveyResponse.objects.filter(survey=survey)
    assert responses.count() == 2 and SurveyAnswer.objects.count() == 16
    assert {r.unit_id for r in responses} == {cast.dept_a.pk, cast.dept_b.pk}
    assert {r.category_id for r in responses} == {token.category_id}
    assert not any(r.is_open for r in responses)
    assert all(r.token_id is None for r in responses)  # anonymised: no link to the code
    assert {r.unit_id: r.comment for r in responses} == {
        cast.dept_a.pk: "",
        cast.dept_b.pk: "窗口服务态度好",
    }
    expected = {(u, d): o for u, answers in ratings.items() for d, o in answers.items()}
    assert _filed(survey) == expected
    assert len(set(expected.values())) == 3  # every choice of the scale was filed somewhere
    token.refresh_from_db()
    assert token.used and token.used_at is None
    assert not TokenUse.objects.exists()


def test_a_named_vote_keeps_the_code_and_its_units(survey, cast):
    services.survey_set_anonymised(survey=survey, anonymised=False, actor=cast.officer)
    token = _code(survey)
    ratings = _varied(survey, [cast.dept_a])
    services.survey_submit(survey_id=survey.pk, code=token.code, ratings=ratings)
    response = SurveyResponse.objects.get(survey=survey)
    assert response.token_id == token.pk and response.unit_id == cast.dept_a.pk
    assert list(TokenUse.objects.values_list("token_id", "unit_id")) == [(token.pk, cast.dept_a.pk)]
    token.refresh_from_db()
    assert token.used and token.used_at is not None
    assert SurveyAnswer.objects.filter(response=response).count() == 8


@pytest.mark.parametrize(
    "case",
    ["left_out", "foreign_unit", "foreign_choice", "foreign_dimension", "nothing", "closed"],
)
def test_a_refused_vote_files_nothing(survey, cast, case):
    token = _code(survey)
    ratings = _varied(survey, [cast.dept_a, cast.dept_b])
    if case == "left_out":
        ratings[cast.dept_b.pk].popitem()
    elif case == "foreign_unit":
        ratings[cast.township.pk] = dict(ratings[cast.dept_a.pk])
    elif case == "foreign_choice":
        other = services.survey_create(
            scheme=survey.scheme, title="另一次", units=[cast.dept_a], actor=None
        )
        first = next(iter(ratings[cast.dept_a.pk]))
        ratings[cast.dept_a.pk][first] = other.scale.first().pk
    elif case == "foreign_dimension":
        other = services.survey_create(
            scheme=survey.scheme, title="另一次", units=[cast.dept_a], actor=None
        )
        ratings[cast.dept_a.pk][other.dimensions.first().pk] = survey.scale.first().pk
    elif case == "nothing":
        ratings = {cast.dept_a.pk: {}}
    elif case == "closed":
        services.survey_close(survey=survey, actor=cast.officer)
    with pytest.raises(SurveyRefused):
        services.survey_submit(survey_id=survey.pk, code=token.code, ratings=ratings)
    assert _nothing_filed(survey, token)


def test_a_used_code_files_nothing_more(survey, cast):
    token = _code(survey)
    services.survey_submit(
        survey_id=survey.pk, code=token.code, ratings=_varied(survey, [cast.dept_a])
    )
    before = _filed(survey)
    with pytest.raises(SurveyRefused, match=r"已经使用过|already been used"):
        services.survey_submit(
            survey_id=survey.pk, code=token.code, ratings=_varied(survey, [cast.dept_b])
        )
    assert _filed(survey) == before and SurveyResponse.objects.count() == 1


def test_a_bad_code_is_named_before_bad_answers(survey, cast):
    """The rater hears what is wrong first: the code, then the survey's state, then answers."""
    bad = {cast.township.pk: _varied(survey, [cast.dept_a])[cast.dept_a.pk]}
    with pytest.raises(SurveyRefused, match=r"无效|not valid"):
        services.survey_submit(survey_id=survey.pk, code="AAAAAAAAAAAAAAAA", ratings=bad)
    token = _code(survey)
    services.survey_close(survey=survey, actor=cast.officer)
    with pytest.raises(SurveyRefused, match=r"结束|ended"):
        services.survey_submit(survey_id=survey.pk, code=token.code, ratings=bad)
    assert _nothing_filed(survey, token)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the two-statement vote is PostgreSQL's (INSERT … unnest); SQLite files row by row",
)
def test_one_vote_is_two_statements(client, survey, cast, django_assert_num_queries):
    """The code with its survey, then the vote itself; the sets come from the cache."""
    option = survey.scale.first().pk
    data = {
        f"r_{unit.pk}_{d}": str(option)
        for unit in (cast.dept_a, cast.dept_b)
        for d in survey.dimensions.values_list("pk", flat=True)
    }
    first, second = _code(survey), _code(survey)
    with django_assert_num_queries(5):  # the sets read once: units, dimensions, choices
        response = client.post(
            reverse("assessments:survey_vote", args=[survey.pk, first.code]), data
        )
    assert response.status_code == 302
    with django_assert_num_queries(2):
        response = client.post(
            reverse("assessments:survey_vote", args=[survey.pk, second.code]), data
        )
    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 4 and SurveyAnswer.objects.count() == 32


def test_what_a_vote_is_checked_against_follows_the_survey(survey, cast):
    """Cached sets are forgotten on every change: units (from either side), dimensions,
    choices; a vote is then checked against what the survey says now."""
    ratings = _varied(survey, [cast.dept_a, cast.dept_b])
    services.survey_submit(survey_id=survey.pk, code=_code(survey).code, ratings=ratings)
    # A unit taken out of the survey (from the unit's side) is no longer rated.
    cast.dept_b.surveys.remove(survey)
    with pytest.raises(SurveyRefused, match=r"不包括|does not cover"):
        services.survey_submit(survey_id=survey.pk, code=_code(survey).code, ratings=ratings)
    survey.units.add(cast.dept_b)
    services.survey_submit(survey_id=survey.pk, code=_code(survey).code, ratings=ratings)
    # A dimension added (as the admin's inline adds it) must be answered too.
    added = SurveyDimension.objects.create(survey=survey, name="工作效率", sort_order=99)
    with pytest.raises(SurveyRefused, match="工作效率"):
        services.survey_submit(survey_id=survey.pk, code=_code(survey).code, ratings=ratings)
    for answers in ratings.values():
        answers[added.pk] = survey.scale.first().pk
    services.survey_submit(survey_id=survey.pk, code=_code(survey).code, ratings=ratings)
    # A choice taken away is no longer accepted.
    extra = ScaleOption.objects.create(survey=survey, label="很不满意", value=0, sort_order=9)
    ratings[cast.dept_a.pk][added.pk] = extra.pk
    services.survey_submit(survey_id=survey.pk, code=_code(survey).code, ratings=ratings)
    SurveyAnswer.objects.filter(option=extra).delete()
    extra.delete()
    with pytest.raises(SurveyRefused):
        services.survey_submit(survey_id=survey.pk, code=_code(survey).code, ratings=ratings)
    assert SurveyResponse.objects.filter(survey=survey).count() == 8
