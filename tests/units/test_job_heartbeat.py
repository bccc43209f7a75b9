"""Runs that know they are dead: the heartbeat of units.jobs.job_run, the read-time rule
(a run whose heartbeat stopped is interrupted at once, sweep or no sweep), the sweep, and
the operations view (任务运行记录) listing every run with its state."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.otp import browser_login, verify_session
from units.jobs import job_run, record_run, sweep_interrupted_runs
from units.models import JobRun, Unit

Status = JobRun.Status


def _heartbeat_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("jobrun-heartbeat-")]


def _wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def _run_in_thread(body) -> tuple[threading.Thread, list[BaseException]]:
    """`body` in a thread of its own (its own connection, closed at the end), as a worker."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            body()
        except BaseException as exc:  # reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, errors


@pytest.fixture
def fast_beats(settings):
    settings.ZUOFENG_JOB_HEARTBEAT_SECONDS = 0.1
    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 90
    return settings


# --- The heartbeat --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_beats_while_its_body_waits_on_a_lock(fast_beats, cast):
    """The body reports nothing while it waits on a row lock; its thread beats regardless."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (SQLite ignores SELECT ... FOR UPDATE)")
    unit_pk = cast.dept_a.pk
    started = threading.Event()

    def body() -> None:
        with job_run(
            "test.locked", subject=f"units.Unit:{unit_pk}", label="县市场监督管理局"
        ) as run:
            started.set()
            with transaction.atomic():
                Unit.objects.select_for_update().get(pk=unit_pk)  # waits for the test
            run.items = 1

    with transaction.atomic():
        Unit.objects.select_for_update().get(pk=unit_pk)
        thread, errors = _run_in_thread(body)
        assert started.wait(10)
        run = JobRun.objects.get(job="test.locked")
        first = run.heartbeat_at
        _wait_for(
            lambda: JobRun.objects.get(pk=run.pk).heartbeat_at > first,
            timeout=10,
            what="a beat",
        )
        second = JobRun.objects.get(pk=run.pk).heartbeat_at
        _wait_for(
            lambda: JobRun.objects.get(pk=run.pk).heartbeat_at > second,
            timeout=10,
            what="another beat",
        )
        run.refresh_from_db()
        assert thread.is_alive(), "the body must still be waiting on the lock"
        assert run.state == Status.RUNNING and run.is_live
        assert run.subject == f"units.Unit:{unit_pk}" and run.subject_label == "县市场监督管理局"
    thread.join(10)
    assert not errors
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED and run.items == 1 and run.progress == 100
    assert run.finished_at is not None
    assert not _heartbeat_threads(), "the heartbeat thread stops with the run"


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_by_the_beat_while_the_body_holds_a_transaction(fast_beats):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: the body's transaction (BEGIN IMMEDIATE) holds it")
    reported = threading.Event()
    proceed = threading.Event()

    def body() -> None:
        with job_run("test.progress") as run, transaction.atomic():
            run.progress(40, "加扣分")
            reported.set()
            proceed.wait(10)

    thread, errors = _run_in_thread(body)
    assert reported.wait(10)
    _wait_for(
        lambda: JobRun.objects.filter(job="test.progress", progress=40, step="加扣分").exists(),
        timeout=10,
        what="the progress on the run's row",
    )
    proceed.set()
    thread.join(10)
    assert not errors
    assert JobRun.objects.get(job="test.progress").status == Status.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_a_failing_body_fails_its_run_and_stops_the_beat(fast_beats):
    with pytest.raises(RuntimeError), job_run("test.failing"):
        raise RuntimeError("数据库连接中断")
    run = JobRun.objects.get(job="test.failing")
    assert run.status == Status.FAILED and "数据库连接中断" in run.error
    assert run.finished_at is not None
    assert not _heartbeat_threads()


@pytest.mark.django_db(transaction=True)
def test_a_superseded_run_ends_as_superseded(fast_beats):
    with job_run("test.superseded", token="old") as run:
        run.supersede("已有新的计算请求接替")
    run = JobRun.objects.get(job="test.superseded")
    assert run.status == Status.SUPERSEDED and run.error == "已有新的计算请求接替"
    assert run.token == "old"


@pytest.mark.django_db(transaction=True)
def test_a_beat_revives_a_run_swept_too_early(fast_beats):
    """A late beat (a busy database), not a dead process: the run is running again."""
    with job_run("test.revived") as run:
        JobRun.objects.filter(pk=run.run.pk).update(
            status=Status.INTERRUPTED, finished_at=timezone.now(), error="中断"
        )
        _wait_for(
            lambda: JobRun.objects.get(pk=run.run.pk).status == Status.RUNNING,
            timeout=10,
            what="the next beat",
        )
        revived = JobRun.objects.get(pk=run.run.pk)
        assert revived.finished_at is None and revived.error == ""
    assert JobRun.objects.get(pk=run.run.pk).status == Status.SUCCEEDED


@pytest.mark.django_db
def test_inside_a_transaction_the_run_is_recorded_without_a_thread(fast_beats):
    # Tasks run eagerly inside the test's transaction: nobody could see a beat before commit.
    with job_run("test.eager") as run:
        assert not _heartbeat_threads()
        run.progress(50, "一半")
        run.items = 2
    run = JobRun.objects.get(job="test.eager")
    assert (run.status, run.items, run.progress) == (Status.SUCCEEDED, 2, 100)


# --- The read-time rule and the sweep --------------------------------------------------------


def _run(job: str, *, beat_ago: float | None, started_ago: float = 600, **fields) -> JobRun:
    now = timezone.now()
    return JobRun.objects.create(
        job=job,
        started_at=now - datetime.timedelta(seconds=started_ago),
        heartbeat_at=None if beat_ago is None else now - datetime.timedelta(seconds=beat_ago),
        **fields,
    )


@pytest.mark.django_db
def test_a_run_whose_heartbeat_stopped_reads_as_interrupted_before_any_sweep(settings):
    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 90
    dead = _run("test.dead", beat_ago=91)
    alive = _run("test.alive", beat_ago=10)
    legacy = _run("test.legacy", beat_ago=None, started_ago=7200)  # from before heartbeats
    starting = _run("test.starting", beat_ago=None, started_ago=5)
    done = _run("test.done", beat_ago=500, status=Status.SUCCEEDED)

    assert dead.status == Status.RUNNING  # nothing swept it
    assert dead.state == Status.INTERRUPTED and not dead.is_live
    assert str(dead.get_state_display()) in {"已中断", "Interrupted"}
    assert legacy.state == Status.INTERRUPTED
    assert alive.state == starting.state == Status.RUNNING and alive.is_live
    assert done.state == Status.SUCCEEDED
    assert set(JobRun.objects.in_state(Status.INTERRUPTED)) == {dead, legacy}
    assert set(JobRun.objects.in_state(Status.RUNNING)) == {alive, starting}
    assert set(JobRun.objects.in_state(Status.SUCCEEDED)) == {done}

    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 3600  # the rule follows the setting
    dead.refresh_from_db()
    assert dead.state == Status.RUNNING


@pytest.mark.django_db
def test_the_sweep_marks_only_runs_whose_heartbeat_stopped(settings):
    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 90
    dead = _run("test.dead", beat_ago=120)
    alive = _run("test.alive", beat_ago=10)
    failed = _run("test.failed", beat_ago=300, status=Status.FAILED, error="连接超时")

    assert sweep_interrupted_runs() == 1
    for run in (dead, alive, failed):
        run.refresh_from_db()
    assert dead.status == Status.INTERRUPTED and dead.error
    assert dead.finished_at == dead.heartbeat_at  # it ended when it was last heard of
    assert alive.status == Status.RUNNING and alive.finished_at is None
    assert failed.status == Status.FAILED and failed.error == "连接超时"


@pytest.mark.django_db
def test_every_periodic_job_sweeps_when_it_starts(settings):
    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 90
    dead = _run("assessments.compute_scheme", beat_ago=120)

    @record_run("test.periodic")
    def periodic() -> list[int]:
        return [1, 2, 3]

    assert periodic() == [1, 2, 3]
    dead.refresh_from_db()
    assert dead.status == Status.INTERRUPTED
    run = JobRun.objects.get(job="test.periodic")
    assert run.status == Status.SUCCEEDED and run.items == 3


# --- The operations view ---------------------------------------------------------------------


def _operations_runs() -> dict[str, JobRun]:
    now = timezone.now()
    scheme = "assessments.AssessmentScheme:1"
    return {
        "live": _run(
            "assessments.compute_scheme",
            beat_ago=2,
            started_ago=40,
            subject=scheme,
            subject_label="2026年度作风建设考核",
            progress=45,
            step="加扣分",
            token="b",
        ),
        "dead": _run(
            "assessments.compute_scheme",
            beat_ago=4000,
            started_ago=4010,
            subject=scheme,
            subject_label="2026年度作风建设考核",
            progress=30,
            step="加扣分",
            token="a",
        ),
        "swept": _run(
            "assessments.compute_scheme",
            beat_ago=9000,
            started_ago=9050,
            subject=scheme,
            subject_label="2025年度作风建设考核",
            status=Status.INTERRUPTED,
            finished_at=now - datetime.timedelta(seconds=9000),
            error="运行中断：执行该任务的进程已停止（心跳中断），运行未完成。",
        ),
        "done": _run(
            "assessments.compute_scheme",
            beat_ago=20000,
            started_ago=20060,
            subject=scheme,
            subject_label="2026年度作风建设考核",
            status=Status.SUCCEEDED,
            finished_at=now - datetime.timedelta(seconds=20000),
            items=12,
            progress=100,
        ),
        "failed": _run(
            "units.drain_notification_emails",
            beat_ago=30000,
            started_ago=30005,
            status=Status.FAILED,
            finished_at=now - datetime.timedelta(seconds=30000),
            error="SMTPServerDisconnected: 邮件服务器断开连接",
        ),
    }


@pytest.fixture
def officer_client(client, cast):
    client.force_login(cast.officer)
    verify_session(client, cast.officer)
    return client


@pytest.mark.django_db
def test_operations_view_lists_scoring_runs_with_their_state(
    officer_client, settings, django_assert_max_num_queries
):
    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 90
    runs = _operations_runs()
    url = reverse("admin:units_jobrun_changelist")
    with django_assert_max_num_queries(25):
        html = officer_client.get(url).content.decode()
    table = html.split('id="result_list"')[1].split("</table>")[0]
    assert table.count("2026年度作风建设考核") == 3 and "2025年度作风建设考核" in table
    # The scoring job by its title, not its code name.
    assert ">计算考核结果<" in table and ">assessments.compute_scheme<" not in table
    assert "45% · 加扣分" in table
    assert "邮件服务器断开连接" in table
    # The dead run reads as interrupted although nothing swept it; the live one as running.
    rows = {
        run: row for row in table.split("<tr")[1:] for run in runs if f"/{runs[run].pk}/" in row
    }
    assert any(s in rows["dead"] for s in ("已中断", "Interrupted"))
    assert any(s in rows["swept"] for s in ("已中断", "Interrupted"))
    assert "运行中" in rows["live"] and "成功" in rows["done"] and "失败" in rows["failed"]
    # Runs under way on top: both marked running, the dead one shown interrupted.
    under_way = html.split('id="zf-under-way"')[1].split("</table>")[0]
    assert under_way.count("2026年度作风建设考核") == 2

    interrupted = officer_client.get(url, {"state": "interrupted"}).content.decode()
    listed = interrupted.split('id="result_list"')[1].split("</table>")[0]
    assert f"/{runs['dead'].pk}/" in listed and f"/{runs['swept'].pk}/" in listed
    assert f"/{runs['live'].pk}/" not in listed and f"/{runs['done'].pk}/" not in listed
    running = officer_client.get(url, {"state": "running"}).content.decode()
    listed = running.split('id="result_list"')[1].split("</table>")[0]
    assert f"/{runs['live'].pk}/" in listed and f"/{runs['dead'].pk}/" not in listed
    by_job = officer_client.get(url, {"job": "units.drain_notification_emails"}).content.decode()
    listed = by_job.split('id="result_list"')[1].split("</table>")[0]
    assert f"/{runs['failed'].pk}/" in listed and "2026年度作风建设考核" not in listed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_operations_page_in_a_browser(live_server, cast, page, output_dir, settings):
    settings.ZUOFENG_JOB_HEARTBEAT_TIMEOUT = 90
    UserFactory(username="root", is_staff=True, is_superuser=True)
    runs = _operations_runs()
    for run in runs.values():  # the page reads "now" a little later: keep the live run live
        if run.status == Status.RUNNING and run.heartbeat_at > timezone.now() - datetime.timedelta(
            seconds=60
        ):
            JobRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    browser_login(page, live_server.url, "root")
    page.set_viewport_size({"width": 1600, "height": 1000})  # an operator's desktop
    page.goto(live_server.url + reverse("admin:units_jobrun_changelist"))
    table = page.locator("#result_list")
    table.wait_for()
    assert table.get_by_text("计算考核结果").count() == 4
    assert table.get_by_text("2026年度作风建设考核").count() == 3
    page.screenshot(path=str(output_dir / "operations.png"), full_page=True)
    page.get_by_role("link", name="已中断").first.click()
    page.wait_for_url("**state=interrupted**")
    assert page.locator("#result_list tbody tr").count() == 2
    page.screenshot(path=str(output_dir / "operations-interrupted.png"), full_page=True)
