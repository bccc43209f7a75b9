"""A worker killed mid-task (SIGKILL: nothing gets to clean up) loses nothing and duplicates
nothing: Redis hands the unacknowledged task to the next worker after the visibility
timeout, and the task, being idempotent, finishes the work exactly once.

The slowness that gives the test time to kill the worker mid-task comes from a PostgreSQL
trigger the test installs (pg_sleep before each INSERT into one table); the worker is the
real `celery -A config worker` running the project's unmodified code. The workers get a
visibility timeout of a few seconds through CELERY_VISIBILITY_TIMEOUT (production: 3600).
"""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from assessments.models import AssessmentResult, AssessmentScheme
from assessments.tasks import compute_scheme
from campaign import selectors as campaign_selectors
from campaign.tasks import sweep_reminders
from complaints.models import Complaint
from complaints.tasks import escalation_sweep
from tests.assessments.county import build_county
from tests.jobs import work
from tests.jobs.workers import Worker, clear_queue, unacked_count, wait_for
from units.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

VISIBILITY_TIMEOUT = 3  # seconds, for these workers only


@pytest.fixture
def workers(tmp_path, real_services, publishing):
    """start(name) → a running Worker; every worker is stopped and the queue emptied after."""
    started: list[Worker] = []
    clear_queue()

    def start(name: str) -> Worker:
        worker = Worker(name, tmp_path, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
        started.append(worker)
        return worker.start()

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
        clear_queue()


@pytest.fixture
def slow_commits():
    """slow_commits(table, seconds): a transaction that updated `table` sleeps in COMMIT.

    PostgreSQL finishes such a commit even when the client has died meanwhile: this is the
    moment between "the claim is committed" and "what the code does after commit".
    """
    tables: list[str] = []

    def slow(table: str, seconds: float) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION zf_test_slow_commit() RETURNS trigger AS $$ "
                f"BEGIN PERFORM pg_sleep({float(seconds)}); RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f'CREATE CONSTRAINT TRIGGER zf_test_slow_commit AFTER UPDATE ON "{table}" '
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                f"EXECUTE FUNCTION zf_test_slow_commit()"
            )
        tables.append(table)

    def fast() -> None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'DROP TRIGGER IF EXISTS zf_test_slow_commit ON "{table}"')
            cursor.execute("DROP FUNCTION IF EXISTS zf_test_slow_commit()")
        tables.clear()

    slow.fast = fast  # type: ignore[attr-defined]
    try:
        yield slow
    finally:
        fast()


def _backend_sleeping_in(query_prefix: str) -> bool:
    """A worker's backend is inside our pg_sleep while running this statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND pid <> pg_backend_pid() AND wait_event = 'PgSleep' "
            "AND query LIKE %s",
            [query_prefix + "%"],
        )
        return cursor.fetchone()[0] > 0


def _only_the_task_under_test() -> None:
    # Building the data published delivery tasks of its own: the worker must start with the
    # task under test, and e-mails in its log must be the ones that task sent.
    clear_queue()


def _wait_out_the_visibility_timeout(killed_at: float) -> None:
    # Redis restores an unacknowledged message once it has been out this long; a starting
    # worker restores such messages at once.
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))


def test_a_sweep_killed_midway_is_redelivered_and_sends_each_reminder_once(
    cast, workers, slow_inserts
):
    items = work.overdue_items(cast, 8)
    _only_the_task_under_test()
    recipients = campaign_selectors.unit_heads(unit=cast.dept_a)
    assert recipients
    reminders = Notification.objects.filter(
        kind=Notification.Kind.OVERDUE, object_key__startswith="campaign.item:"
    )
    expected = {
        (f"campaign.item:{item.pk}:overdue", user.pk) for item in items for user in recipients
    }
    baseline = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    slow_inserts("units_notification", 2)

    first = workers("crash-first")
    sweep_reminders.delay()
    # Killed while the sweep writes its notices (however it batches them).
    wait_for(
        lambda: _backend_sleeping_in('INSERT INTO "units_notification"'),
        timeout=60,
        what="the sweep to write notices",
    )
    assert unacked_count() == 1  # the sweep is delivered and not acknowledged
    first.kill()
    killed_at = time.time()
    slow_inserts.fast()
    assert reminders.count() < len(expected), "the worker must die in the middle of the sweep"

    _wait_out_the_visibility_timeout(killed_at)
    second = workers("crash-second")
    wait_for(
        lambda: (
            reminders.count() == len(expected)
            and not Notification.objects.filter(pk__gt=baseline, emailed_at=None).exists()
            and unacked_count() == 0
        ),
        timeout=60,
        what="the redelivered sweep and its e-mails",
    )
    assert "campaign.tasks.sweep_reminders" in second.output()  # it ran here, redelivered
    assert set(reminders.values_list("object_key", "recipient_id")) == expected
    # Each notice the sweep wrote (items and deliverables) e-mailed exactly once, across
    # both workers' logs (the console e-mail backend).
    logs = first.output() + second.output()
    swept = Notification.objects.filter(pk__gt=baseline)
    assert len(re.findall(r"^To: ", logs, re.MULTILINE)) == swept.count()
    for item in items:
        link = rf"^http://\S+/campaign/items/{item.pk}/$"
        assert len(re.findall(link, logs, re.MULTILINE)) == len(recipients), item.pk


def test_an_escalation_sweep_killed_right_after_a_claim_commits_loses_no_notice(
    cast, workers, slow_commits
):
    """督办: the sweep claims a case (commit) and must still send its 催办通知 when the
    worker dies at that very moment; the redelivered sweep finds the case claimed."""
    complaints = work.due_and_overdue_complaints(cast, 4)
    _only_the_task_under_test()
    today = timezone.localdate()
    overdue = list(Complaint.objects.filter(pk__in=[c.pk for c in complaints], deadline__lt=today))
    assert len(overdue) == 2
    baseline = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    slow_commits("complaints_complaint", 4)

    first = workers("escalate-first")
    escalation_sweep.delay()
    wait_for(lambda: _backend_sleeping_in("COMMIT"), timeout=60, what="the first claim's commit")
    first.kill()
    killed_at = time.time()
    # The dead worker's commit completes on the server: its first claim holds. The sweep's
    # first claim on complaints is the reminder before expiry (催办) of the cases due soon.
    due_soon = [c for c in complaints if c not in overdue]
    wait_for(
        lambda: Complaint.objects.filter(
            pk__in=[c.pk for c in due_soon], reminded_for__isnull=False
        ).exists(),
        timeout=30,
        what="the orphaned commit",
    )
    slow_commits.fast()

    _wait_out_the_visibility_timeout(killed_at)
    second = workers("escalate-second")
    notices = Notification.objects.filter(pk__gt=baseline, kind=Notification.Kind.REMINDER)
    wait_for(
        lambda: (
            "complaints.tasks.escalation_sweep" in second.output()
            and " succeeded in " in second.output()
            and unacked_count() == 0
        ),
        timeout=60,
        what="the redelivered sweep",
    )
    assert Complaint.objects.filter(supervision=Complaint.Supervision.SUPERVISED).count() == 2
    # Every overdue case: supervised once, its head and leader in charge told once each.
    for complaint in overdue:
        told = notices.filter(object_key=f"complaint:{complaint.pk}:supervised")
        assert set(told.values_list("recipient__username", flat=True)) == {"head_a", "in_charge"}
        assert told.count() == 2
        assert complaint.transitions.filter(comment__contains="督办").count() == 1
    # Every case due soon: reminded once, whether by the dead worker or the redelivered one.
    for complaint in due_soon:
        complaint.refresh_from_db()
        assert complaint.reminded_for == complaint.deadline
        assert complaint.transitions.filter(comment__contains="催办").count() == 1
        reminded = Notification.objects.filter(
            pk__gt=baseline, kind=Notification.Kind.DUE_SOON, object_key=f"complaint:{complaint.pk}"
        )
        assert list(reminded.values_list("recipient__username", flat=True)) == ["head_a"]


def _inserting_results() -> bool:
    return _backend_sleeping_in('INSERT INTO "assessments_assessmentresult"')


def test_a_scoring_run_killed_midway_is_redelivered_and_completes_once(cast, workers, slow_inserts):
    scheme = build_county(cast.officer)["scheme"]
    _only_the_task_under_test()
    slow_inserts("assessments_assessmentresult", 4)

    first = workers("score-first")
    compute_scheme.delay(scheme.pk)
    wait_for(_inserting_results, timeout=60, what="the scoring run to write its results")
    first.kill()
    killed_at = time.time()
    slow_inserts.fast()
    # One transaction: the dead run left nothing half-written.
    assert not AssessmentResult.objects.filter(scheme=scheme).exists()

    _wait_out_the_visibility_timeout(killed_at)
    second = workers("score-second")
    wait_for(
        lambda: (
            AssessmentScheme.objects.get(pk=scheme.pk).scoring_state
            == AssessmentScheme.ScoringState.DONE
            and unacked_count() == 0
        ),
        timeout=90,
        what="the redelivered scoring run",
    )
    assert "assessments.tasks.compute_scheme" in second.output()
    results = {
        r.unit.code.removeprefix("T-"): r
        for r in AssessmentResult.objects.filter(scheme=scheme).select_related("unit")
    }
    assert len(results) == 12 == AssessmentResult.objects.filter(scheme=scheme).count()
    # The hand-worked figures of tests/assessments: the complete, real computation.
    assert results["U8"].total == Decimal("97.60") and results["U8"].rank_overall == 1
    assert results["U5"].total == Decimal("48.60") and results["U5"].rank_overall == 12
