"""Enqueueing that never holds a web request hostage to the broker.

A publish is tried once with short timeouts; if the broker is down the caller carries on
and the work waits in its outbox (for e-mail: Notification rows not yet e-mailed), which a
periodic task drains once the broker is back.

A service enqueues by the task's name (`enqueue_on_commit("units.tasks.x", ...)`), so the
tasks module imports the services and not the other way round.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _close_interrupted(job: str) -> None:
    """Runs of `job` still "running" after the broker's visibility timeout lost their worker.

    By then Redis has handed the task to another worker (that is this run), so the old row
    is closed as failed instead of showing "running" in the operations view for ever.
    """
    from django.conf import settings

    from units.models import JobRun

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    cutoff = timezone.now() - datetime.timedelta(
        seconds=int(options.get("visibility_timeout", 3600))
    )
    JobRun.objects.filter(job=job, status=JobRun.Status.RUNNING, started_at__lt=cutoff).update(
        status=JobRun.Status.FAILED,
        finished_at=timezone.now(),
        error=_("Interrupted: the worker stopped before the run finished; the job ran again."),
    )


def record_run(job: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a periodic task body: each run leaves a JobRun row (items = return value)."""

    def decorate(body: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(body)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from units.models import JobRun

            _close_interrupted(job)
            run = JobRun.objects.create(job=job)
            try:
                items = body(*args, **kwargs)
            except Exception as exc:
                JobRun.objects.filter(pk=run.pk).update(
                    status=JobRun.Status.FAILED,
                    finished_at=timezone.now(),
                    error=f"{type(exc).__name__}: {exc}"[:4000],
                )
                raise
            JobRun.objects.filter(pk=run.pk).update(
                status=JobRun.Status.SUCCEEDED,
                finished_at=timezone.now(),
                items=_count(items),
            )
            return items

        # Marks the task as periodic: the schedule test checks each such job is scheduled.
        wrapper.recorded_job = job  # type: ignore[attr-defined]
        return wrapper

    return decorate
