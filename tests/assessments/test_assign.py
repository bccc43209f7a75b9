"""考评分工: officers assign evaluators in bulk on their own page; each evaluator is told once.

The scheme is started on the fixed cast: dept_a (执法监管部门), dept_b (综合管理部门) and the
township (乡镇) are assessed; division_a (a 机关处室, no group) is not.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services
from assessments.models import AssessmentScheme, Evaluation, EvaluationAssignment
from tests.factories import UserFactory
from units import roles
from units.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(cast):
    scheme = services.scheme_create_with_defaults(year=2026, actor=cast.officer)
    return services.scheme_open(scheme=scheme, actor=cast.officer)


@pytest.fixture
def second_evaluator(cast):
    return UserFactory(username="evaluator2", first_name="郑考评", groups=[roles.EVALUATOR])


def _url(scheme, name="assessments:evaluation_assign"):
    return reverse(name, args=[scheme.pk])


def _notices(user):
    return Notification.objects.filter(recipient=user, kind=Notification.Kind.ASSIGNED)


def test_scheme_page_links_to_the_assignment_page(client_for, cast, scheme):
    page = client_for(cast.officer).get(reverse("assessments:scheme_detail", args=[scheme.pk]))
    assert _url(scheme) in page.content.decode()


def test_bulk_assignment_creates_every_combination_once_and_notifies_once(
    client_for, cast, scheme, second_evaluator
):
    client = client_for(cast.officer)
    page = client.get(_url(scheme))
    assert page.status_code == 200
    html = page.content.decode()
    # Evaluators of the role, and the assessed units (not the unassessed division) to tick.
    assert "周考评" in html and "郑考评" in html
    assert cast.dept_a.name in html and cast.township.name in html
    assert f'id="unit_{cast.division_a.pk}"' not in html and f'id="unit_{cast.dept_a.pk}"' in html

    deadline = timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "evaluators": [cast.evaluator.pk, second_evaluator.pk],
        "units": [cast.dept_a.pk, cast.dept_b.pk],
        "deadline": deadline.isoformat(),
    }
    response = client.post(_url(scheme), data)
    assert response.status_code == 302
    rows = EvaluationAssignment.objects.filter(scheme=scheme)
    assert rows.count() == 4 and not rows.filter(indicator__isnull=False).exists()
    assert set(rows.values_list("deadline", flat=True)) == {deadline}
    for user in (cast.evaluator, second_evaluator):
        notice = _notices(user).get()
        assert notice.url == reverse("assessments:evaluation_index")
        assert cast.dept_a.name in notice.body and deadline.isoformat() in notice.body
    message = client.get(_url(scheme)).content.decode()
    assert "4" in message

    # The same submission again: nothing new, nobody told twice.
    assert client.post(_url(scheme), data).status_code == 302
    assert rows.count() == 4
    assert _notices(cast.evaluator).count() == 1 and _notices(second_evaluator).count() == 1

    # A whole group added for one evaluator: the existing rows are kept, one new notice.
    response = client.post(
        _url(scheme),
        {
            "evaluators": [cast.evaluator.pk],
            "groups": [cast.township.group_id],
            "units": [cast.dept_a.pk],
        },
    )
    assert response.status_code == 302
    assert rows.count() == 5
    assert rows.filter(evaluator=cast.evaluator, unit=cast.township).exists()
    assert _notices(cast.evaluator).count() == 2 and _notices(second_evaluator).count() == 1


def test_a_unit_with_its_subtree_and_indicators(client_for, cast, scheme):
    """Units × indicators: a unit's subtree (only its assessed units) and two indicators."""
    client = client_for(cast.officer)
    chosen = list(scheme.indicators.order_by("component", "sort_order")[:2])
    response = client.post(
        _url(scheme),
        {
            "evaluators": [cast.evaluator.pk],
            "subtree": cast.dept_a.pk,
            "indicators": [i.pk for i in chosen],
        },
    )
    assert response.status_code == 302
    rows = EvaluationAssignment.objects.filter(scheme=scheme)
    # dept_a and its division: the division is not assessed, so dept_a alone, per indicator.
    assert sorted(rows.values_list("unit_id", "indicator_id")) == sorted(
        (cast.dept_a.pk, i.pk) for i in chosen
    )

    # The scoring page honours it: only those indicators are offered and accepted.
    evaluator = client_for(cast.evaluator)
    url = reverse("assessments:evaluation_unit", args=[scheme.pk, cast.dept_a.pk])
    html = evaluator.get(url).content.decode()
    other = scheme.indicators.exclude(pk__in=[i.pk for i in chosen]).first()
    assert all(f'name="score_{i.pk}"' in html for i in chosen)
    assert f'name="score_{other.pk}"' not in html
    with pytest.raises(ValidationError):
        services.evaluations_record(
            scheme=scheme,
            evaluator=cast.evaluator,
            scores=[(cast.dept_a, other, Decimal("1"), "")],
        )
    assert evaluator.post(url, {f"score_{i.pk}": "1" for i in chosen}).status_code == 302
    assert Evaluation.objects.filter(evaluator=cast.evaluator).count() == 2
    # So does the scoring sheet: a row per assigned indicator only.
    sheet = evaluator.get(reverse("assessments:evaluation_template", args=[scheme.pk]))
    book = load_workbook(BytesIO(sheet.content))
    names = [row[2] for row in book.active.iter_rows(min_row=3, values_only=True)]  # title, header
    assert sorted(names) == sorted(i.name for i in chosen)
    # The landing page counts the assigned indicators, not the scheme's.
    landing = evaluator.get(reverse("assessments:evaluation_index")).content.decode()
    assert "2 / 2" in landing


@pytest.mark.parametrize(
    "change",
    [
        {"evaluators": []},  # nobody to assign
        {"units": [], "groups": [], "subtree": ""},  # nothing to assign them
        {"units": ["division"]},  # a unit the scheme does not assess
        {"evaluators": ["head_a"]},  # not an evaluator
        {"deadline": "2020-01-01"},  # in the past
        {"indicators": ["999999"]},  # not an indicator of the scheme
        {"deadline": "明天"},  # not a date
    ],
)
def test_bad_input_saves_nothing_and_says_why(client_for, cast, scheme, change):
    data = {"evaluators": [cast.evaluator.pk], "units": [cast.dept_a.pk]}
    for key, value in change.items():
        if value == ["division"]:
            value = [cast.division_a.pk]
        elif value == ["head_a"]:
            value = [cast.head_a.pk]
        data[key] = value
    response = client_for(cast.officer).post(_url(scheme), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not EvaluationAssignment.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.ASSIGNED).exists()


def test_published_scheme_refuses_changes(client_for, cast, scheme):
    services.evaluation_assign(
        scheme=scheme, evaluator=cast.evaluator, units=[cast.dept_a], actor=cast.officer
    )
    AssessmentScheme.objects.filter(pk=scheme.pk).update(status=AssessmentScheme.Status.PUBLISHED)
    client = client_for(cast.officer)
    response = client.post(
        _url(scheme), {"evaluators": [cast.evaluator.pk], "units": [cast.dept_b.pk]}
    )
    assert response.status_code == 400
    assignment = EvaluationAssignment.objects.get()
    response = client.post(
        _url(scheme, "assessments:evaluation_unassign"), {"assignments": [assignment.pk]}
    )
    assert response.status_code == 400
    assert EvaluationAssignment.objects.count() == 1


def test_removing_assignments_removes_their_scores(client_for, cast, scheme, second_evaluator):
    services.evaluation_assignments_create(
        scheme=scheme,
        evaluators=[cast.evaluator, second_evaluator],
        units=[cast.dept_a, cast.dept_b],
        actor=cast.officer,
    )
    indicator = scheme.indicators.first()
    for user in (cast.evaluator, second_evaluator):
        services.evaluations_record(
            scheme=scheme,
            evaluator=user,
            scores=[(cast.dept_a, indicator, Decimal("1"), ""), (cast.dept_b, indicator, 2, "")],
        )
    doomed = EvaluationAssignment.objects.get(evaluator=cast.evaluator, unit=cast.dept_a)
    client = client_for(cast.officer)
    url = _url(scheme, "assessments:evaluation_unassign")
    assert client.post(url, {}).status_code == 400  # nothing chosen
    assert client.post(url, {"assignments": ["999999"]}).status_code == 400
    assert EvaluationAssignment.objects.count() == 4
    assert client.post(url, {"assignments": [doomed.pk]}).status_code == 302
    assert EvaluationAssignment.objects.count() == 3
    # Only the removed pair's score went; the colleague's and the other unit's stay.
    assert not Evaluation.objects.filter(evaluator=cast.evaluator, unit=cast.dept_a).exists()
    assert Evaluation.objects.count() == 3
    # Readers may not, outsiders do not see the page.
    other = EvaluationAssignment.objects.first()
    assert client_for(cast.leader).post(url, {"assignments": [other.pk]}).status_code == 403
    assert client_for(cast.head_a).post(url, {"assignments": [other.pk]}).status_code == 404
    assert EvaluationAssignment.objects.count() == 3


def test_who_may_open_the_page(client_for, cast, scheme):
    url = _url(scheme)
    assert client_for(cast.officer).get(url).status_code == 200
    assert client_for(cast.leader).get(url).status_code == 403  # reads the scheme, may not assign
    for user in (cast.head_a, cast.in_charge, cast.evaluator, cast.outsider):
        assert client_for(user).get(url).status_code == 404
    # A township's discipline office sees no county scheme: nothing to assign there.
    assert client_for(cast.township_officer).get(url).status_code == 404
    response = client_for(cast.township_officer).post(
        url, {"evaluators": [cast.evaluator.pk], "units": [cast.dept_a.pk]}
    )
    assert response.status_code == 404
    assert client_for(cast.officer).delete(url).status_code == 405
    assert not EvaluationAssignment.objects.exists()


def test_the_service_keeps_assigners_inside_their_jurisdiction(cast, scheme):
    """Even given the ability to manage schemes, a subtree's officer assigns only inside it."""
    officer = cast.township_officer
    officer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="assessments", codename="change_assessmentscheme"
        )
    )
    officer = type(officer).objects.get(pk=officer.pk)  # fresh permission cache
    with pytest.raises(PermissionDenied):
        services.evaluation_assignments_create(
            scheme=scheme, evaluators=[cast.evaluator], units=[cast.dept_b], actor=officer
        )
    assert not EvaluationAssignment.objects.exists()
    outcome = services.evaluation_assignments_create(
        scheme=scheme, evaluators=[cast.evaluator], units=[cast.dept_a], actor=officer
    )
    assert outcome.created == 1 and outcome.notified == 1
    # Nor may they remove a colleague's assignment outside their subtree.
    outside = EvaluationAssignment.objects.create(
        scheme=scheme, evaluator=cast.evaluator, unit=cast.dept_b
    )
    with pytest.raises(PermissionDenied):
        services.evaluation_assignments_remove(
            scheme=scheme, assignment_ids=[outside.pk], actor=officer
        )
    assert EvaluationAssignment.objects.filter(pk=outside.pk).exists()
    # And someone without the ability assigns nothing at all.
    with pytest.raises(PermissionDenied):
        services.evaluation_assignments_create(
            scheme=scheme, evaluators=[cast.evaluator], units=[cast.dept_a], actor=cast.head_a
        )


def test_assignment_page_query_count_is_flat(
    client_for, cast, scheme, second_evaluator, django_assert_max_num_queries
):
    client = client_for(cast.officer)
    client.get(_url(scheme))  # warm the session and permission caches
    for user in [second_evaluator] + [
        UserFactory(username=f"kp{n}", groups=[roles.EVALUATOR]) for n in range(6)
    ]:
        services.evaluation_assignments_create(
            scheme=scheme,
            evaluators=[user],
            units=[cast.dept_a, cast.dept_b, cast.township],
            indicators=list(scheme.indicators.all()[:2]),
            actor=cast.officer,
        )
    assert EvaluationAssignment.objects.count() == 7 * 3 * 2
    with django_assert_max_num_queries(30):
        response = client.get(_url(scheme))
    assert response.status_code == 200
    with django_assert_max_num_queries(30):
        response = client.get(_url(scheme) + f"?evaluator={second_evaluator.pk}&group=")
    assert response.status_code == 200
