"""Every project task: late acknowledgement, ids for arguments, idempotent periodic runs,
and no ETA or countdown the broker would outlive."""

from __future__ import annotations

import ast
import datetime
import inspect
import json
import typing
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import connection
from django_celery_beat.models import PeriodicTask

from config.celery import app
from tests.jobs import work

PROJECT_TASK_PREFIXES = ("units.", "campaign.", "complaints.", "assessments.")
ROOT = Path(settings.BASE_DIR)
PROJECT_APPS = ("units", "campaign", "complaints", "assessments")
SCANNED = ("units", "campaign", "complaints", "assessments", "config")
# Arguments a task may take: ids or keys, never model instances or free-form objects.
ID_TYPES = {int, str, list[int], list[str], int | None, str | None}


def project_tasks() -> dict[str, typing.Any]:
    # The worker's own discovery: whatever it would register, these tests check.
    app.loader.import_default_modules()
    tasks = {
        name: task for name, task in app.tasks.items() if name.startswith(PROJECT_TASK_PREFIXES)
    }
    assert tasks, "no project task was discovered"
    return tasks


def test_every_task_acknowledges_late_and_is_requeued_if_its_worker_dies():
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    for name, task in project_tasks().items():
        assert task.acks_late is True, f"{name} acknowledges before it runs"
        assert task.reject_on_worker_lost in (None, True), name
        # None means the app default, which is on.
        assert task.reject_on_worker_lost or app.conf.task_reject_on_worker_lost, name


def test_every_task_takes_ids_or_nothing():
    for name, task in project_tasks().items():
        hints = typing.get_type_hints(task.run)
        for parameter in inspect.signature(task.run).parameters.values():
            assert parameter.kind is not parameter.VAR_KEYWORD, f"{name} takes **kwargs"
            assert hints.get(parameter.name) in ID_TYPES, (
                f"{name}({parameter.name}: {hints.get(parameter.name)}) must take ids or keys"
            )


def _snapshot() -> dict[str, int]:
    """Row counts of every project table (job-run records excepted: each run adds one)."""
    counts = {}
    # (`make migrations-check` catches a model without its table; only tables are counted.)
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        label = model._meta.label
        if model._meta.app_label in PROJECT_APPS and label != "units.JobRun":
            counts[label] = model._default_manager.count()
    return counts


@pytest.mark.django_db
def test_every_periodic_task_changes_nothing_when_run_again(
    real_services, cast, django_capture_on_commit_callbacks
):
    work.overdue_items(cast, 3)
    work.due_and_overdue_complaints(cast, 4)
    schedule = list(PeriodicTask.objects.filter(enabled=True).exclude(task__startswith="celery."))
    assert schedule, "the database schedule is empty"
    registered = project_tasks()
    for entry in schedule:
        assert entry.task in registered, f"scheduled task {entry.task} is not registered"
    mail.outbox.clear()
    first_run = {}
    for entry in schedule:
        task = registered[entry.task]
        args, kwargs = json.loads(entry.args or "[]"), json.loads(entry.kwargs or "{}")
        # A worker runs in autocommit: what a task defers to commit happens at once there.
        with django_capture_on_commit_callbacks(execute=True):
            task.apply(args=args, kwargs=kwargs, throw=True)
        first_run[entry.task] = (_snapshot(), len(mail.outbox))
        with django_capture_on_commit_callbacks(execute=True):
            task.apply(args=args, kwargs=kwargs, throw=True)
        assert _snapshot() == first_run[entry.task][0], f"{entry.task} changed data when run again"
        assert len(mail.outbox) == first_run[entry.task][1], f"{entry.task} e-mailed again"
    # The data set gave the sweeps something to do: this is not a run over nothing.
    from units.models import Notification

    assert Notification.objects.filter(object_key__startswith="campaign.item:").exists()
    assert Notification.objects.filter(kind=Notification.Kind.REMINDER).exists()


# --- Enqueued on commit, through one door ---------------------------------------------------

PUBLISH_CALLS = ("delay", "apply_async", "send_task")
# The one place that publishes: once, after commit, never raising into a web request.
PUBLISHER = "units/jobs.py"


def direct_publishes(source: str, filename: str) -> list[str]:
    return [
        f"{filename}:{node.lineno}"
        for node in ast.walk(ast.parse(source, filename))
        if isinstance(node, ast.Call) and _name(node.func) in PUBLISH_CALLS
    ]


def test_the_publish_scanner_finds_what_it_must():
    source = "compute.delay(1)\napp.send_task('x')\nt.apply_async((1,))\nenqueue(t, 1)\n"
    assert direct_publishes(source, "x.py") == ["x.py:1", "x.py:2", "x.py:3"]


def test_tasks_are_published_only_through_enqueue_on_commit():
    """A direct .delay() publishes before commit (the task may not see its rows) and, with
    Redis down, raises or hangs inside the request; units.jobs.enqueue_on_commit does not."""
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative != PUBLISHER and "/migrations/" not in relative:
                found += direct_publishes(path.read_text(), relative)
    assert not found, f"publish through units.jobs.enqueue_on_commit instead: {found}"


# --- No ETA or countdown longer than the visibility timeout -------------------------------


class _Unresolved(Exception):
    pass


def _seconds(node: ast.expr) -> float:
    """The constant number of seconds an eta/countdown expression adds, else _Unresolved."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _seconds(node.left) * _seconds(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        # now() + timedelta(...): the offset is what counts.
        parts = []
        for side in (node.left, node.right):
            try:
                parts.append(_seconds(side))
            except _Unresolved:
                if not _is_now(side):
                    raise
        return sum(parts)
    if isinstance(node, ast.Call) and _name(node.func) == "timedelta":
        values = {kw.arg: _seconds(kw.value) for kw in node.keywords if kw.arg}
        positional = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours")
        values.update({positional[i]: _seconds(arg) for i, arg in enumerate(node.args)})
        return datetime.timedelta(**values).total_seconds()
    raise _Unresolved(ast.unparse(node))


def _is_now(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in ("now", "utcnow")


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def scheduling_delays(source: str, filename: str) -> list[tuple[str, float | None]]:
    """(where, seconds) for each eta/countdown/retry delay; None when not a constant."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        is_publish = _name(node.func) in ("apply_async", "retry", "signature", "set")
        is_task_decorator = _name(node.func) in ("shared_task", "task")
        for keyword in node.keywords:
            wanted = keyword.arg in ("eta", "countdown") and is_publish
            wanted |= keyword.arg == "default_retry_delay" and is_task_decorator
            if not wanted:
                continue
            where = f"{filename}:{node.lineno} {keyword.arg}"
            try:
                found.append((where, _seconds(keyword.value)))
            except _Unresolved:
                found.append((where, None))
    return found


def visibility_timeout() -> float:
    options = app.conf.broker_transport_options or {}
    return float(options.get("visibility_timeout", 3600))  # kombu's Redis default


def test_the_scanner_finds_what_it_must():
    source = (
        "task.apply_async((1,), countdown=7200)\n"
        "task.apply_async((1,), eta=timezone.now() + timedelta(hours=2))\n"
        "self.retry(countdown=60 * 5)\n"
        "task.apply_async((1,), countdown=delay)\n"
    )
    assert [s for _, s in scheduling_delays(source, "x.py")] == [7200, 7200, 300, None]


def test_no_eta_or_countdown_outlives_the_visibility_timeout(real_services):
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    assert timeout, "set broker_transport_options['visibility_timeout'] for Redis"
    assert visibility_timeout() == timeout  # what the Celery app really uses
    too_long, unknown = [], []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            for where, seconds in scheduling_delays(path.read_text(), relative):
                if seconds is None:
                    unknown.append(where)
                elif seconds >= timeout:
                    too_long.append(f"{where} = {seconds:g}s")
    assert not too_long, f"delays at or past the visibility timeout ({timeout}s): {too_long}"
    assert not unknown, f"delays that cannot be checked statically (use a constant): {unknown}"
    for name, task in project_tasks().items():
        assert task.default_retry_delay < timeout, f"{name} retries after the timeout"
