"""The demo data: last year published, this year in its scoring phase (5,000 codes mostly
used, three evaluators assigned, kaoping part-way through), idempotent."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models import (
    AdjustmentLine,
    AssessmentResult,
    AssessmentScheme,
    Evaluation,
    EvaluationAssignment,
    RaterToken,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_assessments_once():
    call_command("seed_demo", stdout=io.StringIO())
    year = timezone.localdate().year
    last = AssessmentScheme.objects.get(year=year - 1)
    assert last.status == "published" and last.public_results
    # This year is being scored: provisional results, nothing published yet.
    scheme = AssessmentScheme.objects.get(year=year)
    assert scheme.status == "computed" and scheme.published_at is None
    assert scheme.copied_from.year == year - 1
    assignments = EvaluationAssignment.objects.filter(scheme=scheme)
    assert assignments.values("evaluator").distinct().count() == 3
    kaoping = assignments.filter(evaluator__username="kaoping")
    assert kaoping.exists() and not kaoping.filter(unit__code="SLX-ZFB").exists()
    assert all(a.deadline for a in assignments)
    scored = Evaluation.objects.filter(scheme=scheme, evaluator__username="kaoping")
    assert 0 < scored.values("unit").distinct().count() < kaoping.count()
    tokens = RaterToken.objects.filter(survey__scheme=scheme)
    assert tokens.count() == 5000
    assert tokens.filter(used=True).count() == 4300
    assert SurveyResponse.objects.filter(survey__scheme=scheme).count() == 4300 * 3
    results = AssessmentResult.objects.filter(scheme=scheme)
    assert results.count() == 34
    assert sorted(results.values_list("rank_overall", flat=True))[0] == 1
    lines = AdjustmentLine.objects.filter(scheme=scheme)
    # Our five 问责 records, plus whatever campaign and complaint facts their demos made.
    assert lines.filter(rule__kind="accountability").count() == 5
    assert results.filter(veto_excellent=True).exists()
    counts = (
        AssessmentScheme.objects.count(),
        RaterToken.objects.count(),
        AssessmentResult.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        AssessmentScheme.objects.count(),
        RaterToken.objects.count(),
        AssessmentResult.objects.count(),
    )
