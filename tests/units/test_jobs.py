"""Job runs are recorded for the operations view; failures keep their error."""

import pytest
from django.urls import reverse

from units.jobs import record_run
from units.models import JobRun
from units.tasks import sync_responsibilities

pytestmark = pytest.mark.django_db


def test_a_periodic_task_records_its_run(cast):
    sync_responsibilities.delay()
    run = JobRun.objects.get(job="units.sync_responsibilities")
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.finished_at is not None and run.items >= 0


def test_a_failing_run_is_recorded_with_its_error():
    @record_run("test.failing")
    def failing():
        raise RuntimeError("数据库连接中断")

    with pytest.raises(RuntimeError):
        failing()
    run = JobRun.objects.get(job="test.failing")
    assert run.status == JobRun.Status.FAILED
    assert "数据库连接中断" in run.error


def test_officer_sees_the_operations_view_and_a_unit_head_does_not(client_for, cast):
    sync_responsibilities.delay()
    url = reverse("admin:units_jobrun_changelist")
    response = client_for(cast.officer).get(url)
    assert response.status_code == 200
    assert "units.sync_responsibilities" in response.content.decode()
    assert client_for(cast.head_a).get(url).status_code == 302  # not staff: to admin login


def test_operations_view_lists_every_scheduled_job_with_its_last_run(
    client_for, cast, django_assert_max_num_queries
):
    from django_celery_beat.models import PeriodicTask

    sync_responsibilities.delay()
    JobRun.objects.create(
        job="complaints.escalation_sweep", status=JobRun.Status.FAILED, error="连接超时"
    )
    client = client_for(cast.officer)
    url = reverse("admin:units_jobrun_changelist")
    with django_assert_max_num_queries(25):
        html = client.get(url).content.decode()
    assert "周期性任务及最近一次运行情况" in html
    for name in PeriodicTask.objects.values_list("name", flat=True):
        assert name in html
    summary = html.split('id="zf-jobs"')[1].split("</table>")[0]
    assert "每日同步责任分工权限" in summary and "成功" in summary
    assert "连接超时" in summary and "失败" in summary
    assert summary.count("尚未运行。") == PeriodicTask.objects.count() - 2


def test_a_run_whose_worker_died_is_closed_when_the_job_runs_again(cast):
    import datetime

    from django.utils import timezone

    stale = JobRun.objects.create(
        job="units.sync_responsibilities",
        started_at=timezone.now() - datetime.timedelta(hours=2),
    )
    recent = JobRun.objects.create(job="units.sync_responsibilities")  # may still be running
    sync_responsibilities.delay()
    stale.refresh_from_db()
    recent.refresh_from_db()
    assert stale.status == JobRun.Status.INTERRUPTED and "中断" in stale.error
    assert stale.finished_at is not None
    assert recent.status == JobRun.Status.RUNNING
