"""Enqueueing that never holds a web request hostage to the broker.

A publish is tried once with short timeouts; if the broker is down the caller carries on
and the work waits in its outbox (for e-mail: Notification rows not yet e-mailed), which a
periodic task drains once the broker is back.

A service enqueues by the task's name (`enqueue_on_commit("units.tasks.x", ...)`), so the
tasks module imports the services and not the other way round.

Runs are recorded for the operations view (JobRun): `record_run` around a periodic job,
`job_run` around a long task such as scoring. A thread beats while the body runs, so a run
whose process died shows as interrupted within settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT
(read at once from its heartbeat; `sweep_interrupted_runs` marks the table).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


def registered_task(name: str) -> Any:
    """The Celery task registered under `name` ("<app>.tasks.<function>").

    Services name the task they enqueue instead of importing their tasks module, which
    imports the services (tasks → services, never back). The registry is filled by Celery's
    autodiscovery of every installed app's `tasks` module, which a worker runs at start and
    a web process on its first enqueue.
    """
    from celery import current_app

    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Publish `task` (a task or its name) once; on a broker failure log it and return False."""
    if isinstance(task, str):
        task = registered_task(task)
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:
        logger.warning("could not enqueue %s; its outbox will be drained later", task.name)
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """enqueue() once the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))


def _count(result: Any) -> int:
    """Items processed, from what a job returns: a count, a list, or counts by kind."""
    if isinstance(result, bool):
        return int(result)
    if isinstance(result, int):
        return max(result, 0)
    if isinstance(result, list | tuple | set):
        return len(result)
    if isinstance(result, dict):
        return sum(value for value in result.values() if isinstance(value, int))
    return 0


# What an operator reads for a long task in the operations view: its job name → a title.
_JOB_TITLES: dict[str, Any] = {}


def register_job_title(job: str, title: Any) -> None:
    """Give a long (non-periodic) job its title for the operations view."""
    _JOB_TITLES[job] = title


def registered_job_titles() -> dict[str, str]:
    return {job: str(title) for job, title in _JOB_TITLES.items()}


class _Heartbeat:
    """A thread that stamps a run's heartbeat (and its progress) on its own connection.

    A thread, not beats from the body's progress calls: a body waiting on a lock, or inside
    one long statement, reports nothing, yet its process is alive. Its own connection,
    because the body's may be inside a transaction (whose writes nobody sees before commit)
    or blocked. Beats revive a run a sweep marked interrupted too early (a beat that was
    late, not a dead process).
    """

    # At most this often (seconds) when progress is reported in quick succession.
    MIN_GAP = 0.5

    def __init__(self, run_id: int, interval: float) -> None:
        self.run_id = run_id
        self.interval = max(interval, 0.05)
        self._progress: tuple[int, str] | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"jobrun-heartbeat-{run_id}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def report(self, percent: int, step: str) -> None:
        with self._lock:
            self._progress = (percent, step)
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=max(10.0, 2 * self.interval))

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(self.interval)
                self._wake.clear()
                if self._stop.is_set():
                    break
                self._beat()
                self._stop.wait(min(self.MIN_GAP, self.interval))
        finally:
            # This thread's connection, not the body's (connections are per thread).
            connections.close_all()

    def _beat(self) -> None:
        from units.models import JobRun

        with self._lock:
            progress, self._progress = self._progress, None
        fields: dict[str, Any] = {
            "heartbeat_at": timezone.now(),
            "status": JobRun.Status.RUNNING,
            "finished_at": None,
            "error": "",
        }
        if progress is not None:
            fields["progress"], fields["step"] = progress[0], progress[1][:200]
        try:
            JobRun.objects.filter(
                pk=self.run_id, status__in=[JobRun.Status.RUNNING, JobRun.Status.INTERRUPTED]
            ).update(**fields)
        except Exception:
            # The database is unreachable for a moment: beat again next time, reconnecting.
            logger.warning("could not record the heartbeat of job run %s", self.run_id)
            if progress is not None:
                with self._lock:
                    self._progress = self._progress or progress
            connections.close_all()


class RunHandle:
    """What the body of a run reports through: its progress, how many items, its outcome."""

    def __init__(self, run: Any, heartbeat: _Heartbeat | None) -> None:
        self.run = run
        self.items = 0
        self.superseded = False
        self.note = ""
        self._heartbeat = heartbeat

    def progress(self, percent: int, step: str = "") -> None:
        """Record how far the run is (0-100) and its current step; written by the beat."""
        percent = min(max(int(percent), 0), 100)
        self.run.progress, self.run.step = percent, step[:200]
        # Without a beat (inside a transaction) nobody could see it before the end anyway.
        if self._heartbeat is not None:
            self._heartbeat.report(percent, step)

    def supersede(self, note: str = "") -> None:
        """A newer run of the same work has taken over: this one ends without writing."""
        self.superseded = True
        self.note = note


@contextlib.contextmanager
def job_run(
    job: str, *, subject: str = "", label: str = "", token: str = ""
) -> Iterator[RunHandle]:
    """Record a run of `job` (a JobRun row) with a heartbeat while the body runs.

    `subject` names what it works on ("assessments.AssessmentScheme:5", with `label` to show),
    `token` the request it carries out. The heartbeat thread beats every
    settings.ZUOFENG_JOB_HEARTBEAT_SECONDS; when the body returns the run succeeds (or is
    superseded, see RunHandle.supersede), when it raises the run fails with the error.
    """
    from units.models import JobRun

    now = timezone.now()
    run = JobRun.objects.create(
        job=job,
        started_at=now,
        heartbeat_at=now,
        subject=subject[:200],
        subject_label=label[:200],
        token=token[:64],
    )
    heartbeat = None
    # Inside a transaction nobody else sees the row before commit, so beats would be moot
    # (and the row is not committed for the thread's own connection to update).
    if not transaction.get_connection().in_atomic_block:
        heartbeat = _Heartbeat(run.pk, float(settings.ZUOFENG_JOB_HEARTBEAT_SECONDS))
        heartbeat.start()
    handle = RunHandle(run, heartbeat)
    try:
        yield handle
    except BaseException as exc:
        if heartbeat is not None:
            heartbeat.stop()
        try:
            JobRun.objects.filter(pk=run.pk).update(
                status=JobRun.Status.FAILED,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
                error=f"{type(exc).__name__}: {exc}"[:4000],
            )
        except Exception:  # the body's error matters more (the row then shows interrupted)
            logger.exception("could not record the failure of job run %s", run.pk)
        raise
    if heartbeat is not None:
        heartbeat.stop()
    done = timezone.now()
    outcome: dict[str, Any]
    if handle.superseded:
        outcome = {"status": JobRun.Status.SUPERSEDED, "error": handle.note[:4000]}
    else:
        outcome = {"status": JobRun.Status.SUCCEEDED, "error": "", "progress": 100}
    JobRun.objects.filter(pk=run.pk).update(
        finished_at=done, heartbeat_at=done, items=handle.items, **outcome
    )


INTERRUPTED_ERROR = gettext_lazy(
    "Interrupted: the process running it stopped (no heartbeat) before the run finished."
)


def sweep_interrupted_runs() -> int:
    """Mark the runs whose heartbeat stopped as interrupted; how many.

    Pages already show them so (JobRun.state); this keeps the table itself true, for the
    filters and for anyone reading it. Each periodic job sweeps when it starts.
    """
    from units.models import JobRun

    return JobRun.objects.stale().update(
        status=JobRun.Status.INTERRUPTED,
        finished_at=Coalesce(F("heartbeat_at"), F("started_at")),
        error=str(INTERRUPTED_ERROR),
    )


def record_run(job: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a periodic task body: each run leaves a JobRun row (items = return value),
    beating while it runs; it first marks the runs of any job whose heartbeat stopped."""

    def decorate(body: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(body)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            sweep_interrupted_runs()
            with job_run(job) as run:
                result = body(*args, **kwargs)
                run.items = _count(result)
            return result

        # Marks the task as periodic: the schedule test checks each such job is scheduled.
        wrapper.recorded_job = job  # type: ignore[attr-defined]
        return wrapper

    return decorate
