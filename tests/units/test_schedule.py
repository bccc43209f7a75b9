"""One place for the schedule, and one beat."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django_celery_beat.models import PeriodicTask

from config import beat
from config.celery import app

PROJECT_APPS = ("units.", "campaign.", "complaints.", "assessments.")


def _project_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(PROJECT_APPS)}


def _periodic_task_names() -> set[str]:
    """Tasks whose body records its runs (units.jobs.record_run): the periodic ones."""
    return {name for name, task in _project_tasks().items() if hasattr(task.run, "recorded_job")}


@pytest.mark.django_db
def test_every_periodic_job_is_scheduled_once_and_every_schedule_runs_a_real_task():
    scheduled = list(PeriodicTask.objects.values_list("task", flat=True))
    assert len(scheduled) == len(set(scheduled)), "a task is scheduled twice"
    registered = _project_tasks()
    assert set(scheduled) <= set(registered), set(scheduled) - set(registered)
    periodic = _periodic_task_names()
    assert periodic == set(scheduled)
    # The jobs the campaign needs (SPEC §6), by what they do.
    assert {
        "campaign.tasks.sweep_reminders",
        "complaints.tasks.escalation_sweep",
        "campaign.tasks.draft_monthly_circulars",
        "assessments.tasks.recompute_open_schemes",
        "units.tasks.send_weekly_digest",
        "units.tasks.send_monthly_digest",
        "units.tasks.send_quarterly_digest",
    } <= set(scheduled)


@pytest.mark.django_db
def test_schedule_is_in_beijing_time_with_chinese_names():
    for task in PeriodicTask.objects.select_related("crontab", "interval"):
        assert task.enabled
        assert task.description
        assert any("\u4e00" <= ch <= "\u9fff" for ch in task.name)
        if task.crontab is not None:
            assert str(task.crontab.timezone) == "Asia/Shanghai"
        else:
            assert task.interval is not None
    weekly = PeriodicTask.objects.get(task="units.tasks.send_weekly_digest")
    assert (weekly.crontab.day_of_week, weekly.crontab.hour) == ("1", "8")
    quarterly = PeriodicTask.objects.get(task="units.tasks.send_quarterly_digest")
    assert quarterly.crontab.month_of_year == "1,4,7,10"


def test_beat_uses_the_database_schedule_behind_a_lease():
    assert settings.CELERY_BEAT_SCHEDULER == "config.beat:SingleBeatScheduler"
    assert issubclass(beat.SingleBeatScheduler, beat.DatabaseScheduler)


@pytest.mark.django_db
def test_a_second_beat_waits_while_the_first_holds_the_lease(monkeypatch):
    cache.delete(beat.LEASE_KEY)
    first = object.__new__(beat.SingleBeatScheduler)
    first.lease_token = "host-a:1"
    first._acquire()
    assert beat.lease_holder() == "host-a:1"

    second = object.__new__(beat.SingleBeatScheduler)
    second.lease_token = "host-b:2"
    naps: list[float] = []

    def nap(seconds: float) -> None:
        # While the standby sleeps, the first beat stops and releases the lease.
        naps.append(seconds)
        if len(naps) == 2:
            cache.delete(beat.LEASE_KEY)

    monkeypatch.setattr(beat.time, "sleep", nap)
    second._acquire()
    assert len(naps) == 2 and beat.lease_holder() == "host-b:2"
    # The first beat now finds the lease is not its own and stops instead of ticking.
    assert first._renew() is False
    with pytest.raises(SystemExit):
        first.tick()
    assert second._renew() is True
    cache.delete(beat.LEASE_KEY)


@pytest.mark.django_db
def test_a_cache_blip_does_not_stop_the_beat_but_a_new_holder_does():
    cache.delete(beat.LEASE_KEY)
    holder = object.__new__(beat.SingleBeatScheduler)
    holder.lease_token = "host-a:1"
    holder._acquire()
    cache.delete(beat.LEASE_KEY)  # as the fail-soft cache answers while Redis is down
    assert holder._keep() is True
    assert beat.lease_holder() == "host-a:1"  # taken again once the cache answers
    cache.set(beat.LEASE_KEY, "host-b:2")
    assert holder._keep() is False
    cache.delete(beat.LEASE_KEY)
