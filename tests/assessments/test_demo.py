"""The demo data: two published years, 5,000 codes this year mostly used, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models import (
    AdjustmentLine,
    AssessmentResult,
    AssessmentScheme,
    RaterToken,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_published_assessments_once():
    call_command("seed_demo", stdout=io.StringIO())
    year = timezone.localdate().year
    scheme = AssessmentScheme.objects.get(year=year)
    assert scheme.status == "published" and scheme.public_results
    assert scheme.copied_from.year == year - 1
    tokens = RaterToken.objects.filter(survey__scheme=scheme)
    assert tokens.count() == 5000
    assert tokens.filter(used_at__isnull=False).count() == 4300
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
