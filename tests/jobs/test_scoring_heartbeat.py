"""A scoring run that dies says so within the heartbeat window, may be started again at once,
and the dead run's task, redelivered later, writes nothing.

The real-worker test kills (SIGKILL) a `celery -A config worker` while its scoring run waits
on the scheme row, which the test holds locked from a connection of its own: the moment a
run reports nothing, yet beats. The workers get a short heartbeat (1 s, timeout 10 s)
through the environment; the test process reads the same timeout (settings override).
The service tests below it need no worker (tasks run eagerly or are called directly).
"""

from __future__ import annotations

import datetime
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentResult, AssessmentScheme
from assessments.services import computing
from tests.assessments.county import build_county
from tests.jobs.workers import Worker, clear_queue, unacked_count, wait_for
from units.models import JobRun

HEARTBEAT_TIMEOUT = 10  # seconds, workers and test process alike (room for a busy machine)
HEARTBEAT_SECONDS = 1
LONG_VISIBILITY = 3600  # the production default: no redelivery within the test
SHORT_VISIBILITY = 3  # a worker started with this restores the dead worker's task at once

ScoringState = AssessmentScheme.ScoringState
RunStatus = JobRun.Status


def _subject(scheme) -> str:
    return f"assessments.AssessmentScheme:{scheme.pk}"


def _runs(scheme, **filters):
    return JobRun.objects.filter(
        job="assessments.compute_scheme", subject=_subject(scheme), **filters
    )


def _computed_transitions(scheme) -> int:
    return scheme.transitions.filter(to_status=AssessmentScheme.Status.COMPUTED).count()


def _totals(scheme) -> dict[str, Decimal]:
    return dict(AssessmentResult.objects.filter(scheme=scheme).values_list("unit__code", "total"))


def _page(client, scheme) -> str:
    return client.get(reverse("assessments:scheme_detail", args=[scheme.pk])).content.decode()


def _progress(client, scheme) -> dict:
    return client.get(reverse("assessments:scheme_progress", args=[scheme.pk])).json()


def _offers_compute(html: str) -> bool:
    return 'data-testid="compute"' in html


def _offers_publish(html: str) -> bool:
    return 'data-testid="publish-form"' in html


INTERRUPTED_TEXT = ("计算中断：执行计算的进程已停止，可以重新计算", "Scoring interrupted")
COMPUTE_AGAIN = ("重新计算", "Compute again")


# --- Real workers ------------------------------------------------------------------------------


@pytest.fixture
def workers(tmp_path, real_services, publishing, settings):
    """start(name, visibility_timeout) → a running Worker with a short heartbeat."""
    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = HEARTBEAT_TIMEOUT
    started: list[Worker] = []
    clear_queue()

    def start(name: str, *, visibility_timeout: int) -> Worker:
        worker = Worker(
            name,
            tmp_path,
            CELERY_VISIBILITY_TIMEOUT=str(visibility_timeout),
            ZUOFENG_JOB_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS),
            ZUOFENG_JOB_HEARTBEAT_TIMEOUT=str(HEARTBEAT_TIMEOUT),
        )
        started.append(worker)
        return worker.start()

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
        clear_queue()


@pytest.fixture
def scheme_lock():
    """scheme_lock(pk): hold that scheme's row (SELECT ... FOR UPDATE) from a connection of
    the test's own until the block ends, as a long transaction elsewhere would."""
    opened = []

    @contextmanager
    def hold(pk: int):
        raw = connection.get_new_connection(connection.get_connection_params())
        opened.append(raw)
        with raw.cursor() as cursor:
            cursor.execute(
                'SELECT 1 FROM "assessments_assessmentscheme" WHERE id = %s FOR UPDATE', [pk]
            )
        try:
            yield
        finally:
            raw.rollback()
            raw.close()

    try:
        yield hold
    finally:
        for raw in opened:
            if not raw.closed:
                raw.close()


def _backend_waits_on_a_lock(query_prefix: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE %s",
            [query_prefix + "%"],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_scoring_worker_killed_while_waiting_on_a_lock_shows_interrupted_and_restarts_once(
    cast, workers, scheme_lock, client_for
):
    scheme = build_county(cast.officer)["scheme"]
    services.scheme_compute(scheme_id=scheme.pk)  # computed once: publishing is possible
    scheme.refresh_from_db()
    computed_before, transitions_before = scheme.computed_at, _computed_transitions(scheme)
    totals_before = _totals(scheme)
    client = client_for(cast.officer)
    assert _offers_publish(_page(client, scheme))
    clear_queue()  # building the county queued notices: the workers run the scoring only

    services.scheme_request_scoring(scheme=scheme, actor=cast.officer)  # the old request
    scheme.refresh_from_db()
    old_token = scheme.scoring_token
    with scheme_lock(scheme.pk):
        first = workers("beat-first", visibility_timeout=LONG_VISIBILITY)
        wait_for(
            lambda: (
                _runs(scheme, token=old_token).exists()
                and _backend_waits_on_a_lock('UPDATE "assessments_assessmentscheme"')
            ),
            timeout=60,
            what="the scoring run to wait on the scheme row",
        )
        run = _runs(scheme, token=old_token).get()
        # It beats while it waits (its body reports nothing).
        for _beat in range(2):
            last = JobRun.objects.get(pk=run.pk).heartbeat_at
            wait_for(
                lambda last=last: JobRun.objects.get(pk=run.pk).heartbeat_at > last,
                timeout=30,
                what="a heartbeat during the lock wait",
            )
        assert _backend_waits_on_a_lock('UPDATE "assessments_assessmentscheme"')
        progress = _progress(client, scheme)
        assert progress["state"] == "running" and progress["live"]
        html = _page(client, scheme)
        assert not _offers_compute(html) and not _offers_publish(html)

        first.kill()
        killed_at = time.monotonic()
        # The page tells within the heartbeat window, not after the visibility timeout (an
        # hour here, as in production): nothing else has touched the run.
        wait_for(
            lambda: _progress(client, scheme)["state"] == "interrupted",
            timeout=HEARTBEAT_TIMEOUT + 30,
            what="the page to show the run interrupted",
        )
        assert time.monotonic() - killed_at < LONG_VISIBILITY
        assert JobRun.objects.get(pk=run.pk).status == RunStatus.RUNNING  # read-time rule
        html = _page(client, scheme)
        assert any(text in html for text in INTERRUPTED_TEXT)
        assert _offers_compute(html) and any(text in html for text in COMPUTE_AGAIN)
        assert not _offers_publish(html)
    # The lock is released: the dead worker's orphaned statement ends on the server.

    response = client.post(reverse("assessments:scheme_compute", args=[scheme.pk]))  # 重新计算
    assert response.status_code == 302, response.content.decode()[:500]
    scheme.refresh_from_db()
    new_token = scheme.scoring_token
    assert new_token and new_token != old_token
    assert JobRun.objects.get(pk=run.pk).status == RunStatus.INTERRUPTED  # swept, in the table

    second = workers("beat-second", visibility_timeout=LONG_VISIBILITY)
    wait_for(
        lambda: _runs(scheme, token=new_token, status=RunStatus.SUCCEEDED).exists(),
        timeout=90,
        what="the restarted scoring run",
    )
    assert "assessments.tasks.compute_scheme" in second.output()
    scheme.refresh_from_db()
    assert scheme.scoring_state == ScoringState.DONE
    assert _computed_transitions(scheme) == transitions_before + 1  # once
    assert scheme.computed_at > computed_before
    computed_by_restart = scheme.computed_at
    assert _totals(scheme) == totals_before  # the same facts, the same figures
    assert _progress(client, scheme)["state"] == "done"
    assert _offers_publish(_page(client, scheme))
    assert unacked_count() == 1  # the dead worker's task, still waiting for redelivery

    # Later, the old task comes back (a worker with a short visibility timeout restores it
    # at start): its request is no longer the scheme's, so it writes nothing.
    third = workers("beat-third", visibility_timeout=SHORT_VISIBILITY)
    wait_for(
        lambda: (
            _runs(scheme, token=old_token, status=RunStatus.SUPERSEDED).exists()
            and unacked_count() == 0
        ),
        timeout=90,
        what="the redelivered old task",
    )
    assert "assessments.tasks.compute_scheme" in third.output()
    scheme.refresh_from_db()
    assert scheme.scoring_token == new_token and scheme.scoring_state == ScoringState.DONE
    assert scheme.computed_at == computed_by_restart
    assert _computed_transitions(scheme) == transitions_before + 1
    assert AssessmentResult.objects.filter(scheme=scheme).count() == 12
    assert sorted(_runs(scheme).exclude(token="").values_list("token", "status")) == sorted(
        [
            (old_token, RunStatus.INTERRUPTED),
            (new_token, RunStatus.SUCCEEDED),
            (old_token, RunStatus.SUPERSEDED),
        ]
    )


# --- The request token, without workers ---------------------------------------------------


@pytest.fixture
def county(cast):
    return build_county(cast.officer)


@pytest.mark.django_db
def test_an_older_request_writes_nothing_once_a_newer_one_is_made(
    county, cast, django_capture_on_commit_callbacks
):
    scheme = county["scheme"]
    with django_capture_on_commit_callbacks() as queued:  # the broker never sees them
        services.scheme_request_scoring(scheme=scheme, actor=cast.officer)
        scheme.refresh_from_db()
        old = scheme.scoring_token
        services.scheme_request_scoring(scheme=scheme, actor=cast.officer)
        scheme.refresh_from_db()
        new = scheme.scoring_token
    assert len(queued) == 2 and old != new

    assert services.scheme_compute(scheme_id=scheme.pk, token=old) == 0
    assert not AssessmentResult.objects.filter(scheme=scheme).exists()
    assert _computed_transitions(scheme) == 0
    assert _runs(scheme, token=old).get().status == RunStatus.SUPERSEDED
    scheme.refresh_from_db()
    assert scheme.scoring_state == ScoringState.QUEUED  # the new request still waits

    assert services.scheme_compute(scheme_id=scheme.pk, token=new) == 12
    scheme.refresh_from_db()
    assert scheme.scoring_state == ScoringState.DONE and _computed_transitions(scheme) == 1
    run = _runs(scheme, token=new).get()
    assert (run.status, run.items, run.subject_label) == (RunStatus.SUCCEEDED, 12, scheme.name)


@pytest.mark.django_db
def test_a_newer_request_made_while_a_run_waited_for_the_scheme_wins(
    county, cast, django_capture_on_commit_callbacks, monkeypatch
):
    """The check that counts is the one under the scheme row lock: a request made while the
    run waited for the lock (after its first look) supersedes it."""
    scheme = county["scheme"]
    with django_capture_on_commit_callbacks():
        services.scheme_request_scoring(scheme=scheme, actor=cast.officer)
    scheme.refresh_from_db()
    old = scheme.scoring_token
    real_job_run = computing.job_run

    @contextmanager
    def job_run_then_a_new_request(*args, **kwargs):
        with real_job_run(*args, **kwargs) as run:
            AssessmentScheme.objects.filter(pk=scheme.pk).update(scoring_token="newer")
            yield run

    monkeypatch.setattr(computing, "job_run", job_run_then_a_new_request)
    assert services.scheme_compute(scheme_id=scheme.pk, token=old) == 0
    assert not AssessmentResult.objects.filter(scheme=scheme).exists()
    assert _runs(scheme, token=old).get().status == RunStatus.SUPERSEDED


@pytest.mark.django_db
def test_a_task_without_a_token_runs_for_the_current_request(county):
    """Tasks queued before tokens existed, and direct calls, adopt the scheme's request."""
    scheme = county["scheme"]
    assert services.scheme_compute(scheme_id=scheme.pk) == 12
    assert services.scheme_compute(scheme_id=scheme.pk) == 12  # idempotent, as before
    assert _computed_transitions(scheme) == 2
    assert _runs(scheme, status=RunStatus.SUCCEEDED).count() == 2


def _live_run(scheme, *, beat_ago: float) -> JobRun:
    AssessmentScheme.objects.filter(pk=scheme.pk).update(scoring_state=ScoringState.RUNNING)
    scheme.refresh_from_db()
    now = timezone.now()
    return JobRun.objects.create(
        job="assessments.compute_scheme",
        subject=_subject(scheme),
        subject_label=scheme.name,
        token=scheme.scoring_token,
        started_at=now - datetime.timedelta(seconds=beat_ago + 30),
        heartbeat_at=now - datetime.timedelta(seconds=beat_ago),
        progress=30,
        step="加扣分",
    )


@pytest.mark.django_db
def test_the_scheme_page_follows_the_runs_heartbeat(
    county, cast, client_for, settings, django_capture_on_commit_callbacks
):
    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 90
    scheme = county["scheme"]
    services.scheme_compute(scheme_id=scheme.pk)
    with django_capture_on_commit_callbacks():
        services.scheme_request_scoring(scheme=scheme, actor=cast.officer)
    scheme.refresh_from_db()
    client = client_for(cast.officer)

    run = _live_run(scheme, beat_ago=5)
    progress = _progress(client, scheme)
    assert (progress["state"], progress["percent"], progress["live"]) == ("running", 30, True)
    assert progress["step"] == "加扣分"
    html = _page(client, scheme)
    assert not _offers_compute(html) and not _offers_publish(html)
    with pytest.raises(ValidationError):  # no second run beside a live one
        services.scheme_request_scoring(scheme=scheme, actor=cast.officer)

    JobRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=91)
    )
    progress = _progress(client, scheme)
    assert progress["state"] == "interrupted" and not progress["live"]
    assert progress["can_restart"]
    html = _page(client, scheme)
    assert any(text in html for text in INTERRUPTED_TEXT)
    assert any(text in html for text in ("此前的计算结果保留不变", "The previous results are kept"))
    assert _offers_compute(html) and any(text in html for text in COMPUTE_AGAIN)
    assert not _offers_publish(html)

    with django_capture_on_commit_callbacks(execute=True):  # 重新计算, run eagerly
        client.post(reverse("assessments:scheme_compute", args=[scheme.pk]))
    scheme.refresh_from_db()
    assert scheme.scoring_state == ScoringState.DONE and _computed_transitions(scheme) == 2
    run.refresh_from_db()
    assert run.status == RunStatus.INTERRUPTED
    assert "中断" in run.error or "Interrupted" in run.error
    html = _page(client, scheme)
    assert _offers_publish(html) and not any(text in html for text in INTERRUPTED_TEXT)


@pytest.mark.django_db
def test_a_request_no_worker_takes_up_is_shown_waiting_and_may_be_queued_again(
    county, cast, client_for, settings, django_capture_on_commit_callbacks
):
    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 90
    scheme = county["scheme"]
    with django_capture_on_commit_callbacks():  # the broker lost it
        services.scheme_request_scoring(scheme=scheme, actor=cast.officer)
    client = client_for(cast.officer)
    progress = _progress(client, scheme)
    assert progress["state"] == "queued" and progress["live"]
    assert not _offers_compute(_page(client, scheme))

    AssessmentScheme.objects.filter(pk=scheme.pk).update(
        scoring_requested_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    progress = _progress(client, scheme)
    assert progress["state"] == "stalled" and progress["can_restart"] and progress["message"]
    html = _page(client, scheme)
    assert _offers_compute(html) and any(text in html for text in COMPUTE_AGAIN)


@pytest.mark.django_db
def test_the_nightly_recompute_supersedes_what_was_queued(
    county, cast, django_capture_on_commit_callbacks
):
    scheme = county["scheme"]
    with django_capture_on_commit_callbacks():
        services.scheme_request_scoring(scheme=scheme, actor=cast.officer)
    scheme.refresh_from_db()
    lost = scheme.scoring_token
    with django_capture_on_commit_callbacks(execute=True):
        assert services.schemes_recompute_open() == 1
    scheme.refresh_from_db()
    assert scheme.scoring_state == ScoringState.DONE and scheme.scoring_token != lost
    assert services.scheme_compute(scheme_id=scheme.pk, token=lost) == 0  # comes back: nothing
    assert _computed_transitions(scheme) == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_officer_sees_the_interrupted_run_and_computes_again(
    live_server, cast, page, output_dir, settings
):
    from tests.otp import browser_login

    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 90
    scheme = build_county(cast.officer)["scheme"]
    services.scheme_compute(scheme_id=scheme.pk)
    AssessmentScheme.objects.filter(pk=scheme.pk).update(
        scoring_state=ScoringState.QUEUED, scoring_token="lost", scoring_requested_at=timezone.now()
    )
    run = _live_run(scheme, beat_ago=600)  # its worker died ten minutes ago
    browser_login(page, live_server.url, "officer")
    page.goto(live_server.url + reverse("assessments:scheme_detail", args=[scheme.pk]))
    message = page.get_by_test_id("scoring-message")
    message.wait_for()
    assert "计算中断：执行计算的进程已停止，可以重新计算" in message.inner_text()
    assert page.get_by_test_id("publish-form").count() == 0
    page.screenshot(path=str(output_dir / "scheme-interrupted.png"), full_page=True)

    page.get_by_test_id("compute").click()  # 重新计算 (tasks run eagerly in this server)
    page.get_by_test_id("publish-form").wait_for()
    assert page.get_by_test_id("scoring-message").count() == 0
    assert "已完成" in page.get_by_test_id("scoring-state").inner_text()
    page.screenshot(path=str(output_dir / "scheme-recomputed.png"), full_page=True)
    run.refresh_from_db()
    assert run.status == RunStatus.INTERRUPTED
