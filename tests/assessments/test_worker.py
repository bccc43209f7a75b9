"""Scoring on a real Celery worker consuming from Redis (CI: PostgreSQL + Redis)."""

import os
import time
from decimal import Decimal

import pytest
from django.conf import settings
from kombu import pools

from assessments.models import AssessmentResult
from assessments.tasks import compute_scheme
from config.celery import app
from tests.assessments.county import build_county

IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_worker():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        if IN_CI:
            pytest.fail("CI must run the worker test against Redis (REDIS_URL is not set)")
        pytest.skip("needs REDIS_URL: a real worker consumes from Redis")
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for start_worker)
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    pools.reset()  # never reuse pools another test closed
    app._pool = app.amqp._producer_pool = None
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            yield
    finally:
        app.conf.task_always_eager = True


def test_scoring_task_runs_on_a_real_worker(cast, redis_worker):
    scheme = build_county(cast.officer)["scheme"]
    compute_scheme.apply_async((scheme.pk,))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if AssessmentResult.objects.filter(scheme=scheme).count() == 12:
            break
        time.sleep(0.5)
    results = {
        r.unit.code.removeprefix("T-"): r
        for r in AssessmentResult.objects.filter(scheme=scheme).select_related("unit")
    }
    assert len(results) == 12
    # The same figures as the hand-worked eager test: the worker ran the real scoring.
    assert results["U8"].total == Decimal("97.60") and results["U8"].rank_overall == 1
    assert results["U5"].total == Decimal("48.60") and results["U5"].rank_overall == 12
