"""A background export (我的导出) through a real `celery -A config worker`: the request files
the job and publishes its task on commit, the worker builds the file the direct download
would have sent and notifies the requester once."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from complaints import exports as complaint_exports
from complaints.models import ComplaintCategory
from tests.complaints.conftest import complaint_drive
from tests.jobs.workers import Worker, clear_queue, wait_for
from units import exports
from units.models import ExportJob, Notification

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff"))))


def test_a_worker_builds_the_export_the_direct_download_gives(
    cast, client_for, settings, tmp_path, real_services, publishing
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    category = ComplaintCategory.objects.get(name="服务态度")
    for title in ("窗口推诿一", "窗口推诿二"):
        complaint_drive(cast, category, title=title)
    client = client_for(cast.officer)
    direct = _rows(b"".join(client.get(reverse("complaints:export_csv")).streaming_content))
    clear_queue()  # the cases' own notices: the worker starts with the export alone
    worker = Worker("exports", tmp_path, DJANGO_MEDIA_ROOT=settings.MEDIA_ROOT).start()
    try:
        job, created = exports.export_request(
            user=cast.officer, kind=complaint_exports.CSV, params=""
        )
        assert created

        def done() -> bool:
            job.refresh_from_db()
            return job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED)

        wait_for(done, timeout=60, what="the worker to build the export")
    finally:
        worker.stop()
    assert job.status == ExportJob.Status.DONE, job.error or worker.output()
    assert job.rows == 2
    assert _rows(Path(settings.MEDIA_ROOT, job.file.name).read_bytes()) == direct
    download = client.get(reverse("units:export_download", args=[job.pk]))
    assert _rows(b"".join(download.streaming_content)) == direct
    assert Notification.objects.filter(object_key=f"exportjob:{job.pk}").count() == 1
