"""Publishing results flags the bottom units and their leadership teams, once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import AssessmentResult, AssessmentScheme
from tests.factories import make_person_with_login
from units import cadres, services
from units.models import CadreFlag, Responsibility
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(cast):
    """2026's scheme computed; dept_a graded 较差 (poor), every other unit good."""
    scheme = assessment_services.scheme_create_with_defaults(year=2026, actor=cast.officer)
    scheme = assessment_services.scheme_open(scheme=scheme, actor=cast.officer)
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    results = AssessmentResult.objects.filter(scheme=scheme)
    results.update(grade="good")
    results.filter(unit=cast.dept_a).update(grade="poor")
    return AssessmentScheme.objects.get(pk=scheme.pk)


def test_publishing_flags_the_bottom_unit_and_its_leaders_once(cast, computed):
    deputy, _user = make_person_with_login("冯副局长", "deputy_a", title="副局长")
    services.responsibility_assign(
        person=deputy,
        unit=cast.dept_a,
        role=Responsibility.Role.PRINCIPAL,
        start_date=timezone.localdate(),
    )
    published = assessment_services.scheme_publish(
        scheme=computed, actor=cast.officer, public=False
    )
    flags = CadreFlag.objects.all()
    today = timezone.localdate()
    unit_flags = flags.filter(person__isnull=True)
    assert [(f.kind, f.unit) for f in unit_flags] == [("no_new_promotion", cast.dept_a)]
    person_flags = flags.filter(person__isnull=False)
    # The leadership team (第一责任人 and 主要负责人), not the county's 分管领导.
    assert {f.person for f in person_flags} == {cast.head_a.person, deputy}
    assert cast.in_charge.person not in {f.person for f in person_flags}
    for flag in flags:
        assert flag.source == "scoring" and flag.source_object == published
        assert (flag.start_date, flag.end_date) == (today, cadres.one_year_from(today))
        assert "2026" in flag.reason and flag.document == str(published)
        assert flag.history.count() == 1
    # Publishing again is refused, and running the flags again adds nothing.
    with pytest.raises(InvalidTransition):
        assessment_services.scheme_publish(scheme=published, actor=cast.officer, public=False)
    assert assessment_services.scheme_flag_cadres(scheme=published, actor=cast.officer) == []
    assert CadreFlag.objects.count() == 3


def test_no_bad_result_no_flag(cast, computed):
    AssessmentResult.objects.filter(scheme=computed).update(grade="good")
    assessment_services.scheme_publish(scheme=computed, actor=cast.officer, public=False)
    assert not CadreFlag.objects.exists()


def test_a_veto_flags_whatever_the_grade(cast, computed):
    AssessmentResult.objects.filter(scheme=computed).update(grade="good")
    AssessmentResult.objects.filter(scheme=computed, unit=cast.dept_b).update(
        no_promotion=True, veto_excellent=True, veto_reason="严重问责"
    )
    assessment_services.scheme_publish(scheme=computed, actor=cast.officer, public=False)
    unit_flag = CadreFlag.objects.get(person__isnull=True)
    assert unit_flag.unit == cast.dept_b and "严重问责" in unit_flag.reason
    assert CadreFlag.objects.get(person__isnull=False).person == cast.head_b.person
