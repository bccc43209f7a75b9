"""Background exports (我的导出): an export above ZUOFENG_EXPORT_DIRECT_MAX_ROWS is offered,
built by a task under the requester's scope as it is then, notified and downloaded once."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from complaints import exports as complaint_exports
from complaints.models import Complaint
from tests.campaign.conftest import campaign_start, item_drive
from tests.complaints.conftest import complaint_drive
from units import exports, tasks
from units.models import ExportJob, Notification, SecurityEvent

XLSX, CSV = complaint_exports.XLSX, complaint_exports.CSV


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def limit(settings, media):
    """The direct limit at 2 rows: three cases are a background export."""
    settings.ZUOFENG_EXPORT_DIRECT_MAX_ROWS = 2
    return settings


@pytest.fixture
def cases(cast, category):
    return [
        complaint_drive(cast, category, title="窗口推诿一"),
        complaint_drive(cast, category, Complaint.Status.ASSIGNED, title="窗口推诿二"),
        complaint_drive(cast, category, unit=cast.dept_b, title="学校乱收费"),
    ]


@pytest.fixture
def category(db):
    from complaints.models import ComplaintCategory

    return ComplaintCategory.objects.get(name="服务态度")


def _workbook_rows(content: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    # The title row, then the header: the data follow (one sheet here).
    return rows[2:]


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))[1:]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _start(client, kind: str, params: str = ""):
    return client.post(reverse("units:export_start", args=[kind]), {"params": params})


def test_at_or_below_the_limit_the_file_is_sent_directly(client_for, cast, cases, settings):
    settings.ZUOFENG_EXPORT_DIRECT_MAX_ROWS = 3
    client = client_for(cast.officer)
    response = client.get(reverse("complaints:export_csv"))
    assert response.status_code == 200 and response.streaming
    assert len(_csv_rows(_body(response))) == 3
    response = client.get(reverse("complaints:export"))
    assert response["Content-Disposition"].startswith("attachment")
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("name", ["complaints:export", "complaints:export_csv"])
def test_above_the_limit_the_page_offers_the_background_and_creates_nothing(
    client_for, cast, cases, limit, name
):
    response = client_for(cast.officer).get(reverse(name))
    assert response.status_code == 200
    assert not getattr(response, "streaming", False)
    text = response.content.decode()
    assert "本次导出共3行" in text and "超过可直接下载的上限（2行）" in text
    assert "在后台生成" in text and "csrfmiddlewaretoken" in text
    assert not ExportJob.objects.exists()
    # The way back: the list it was asked from, with its filters.
    back = f'<a class="btn btn-link" href="{reverse("complaints:list")}" data-testid="export-back">返回列表</a>'
    assert back in text
    filtered = client_for(cast.officer).get(reverse(name), {"status": "", "q": "窗口"})
    assert "?status=&amp;q=%E7%AA%97%E5%8F%A3" in filtered.content.decode()


def test_the_offer_keeps_the_permission_of_the_export(client_for, cast, cases, limit):
    assert client_for(cast.head_a).get(reverse("complaints:export_csv")).status_code == 403


def test_a_second_request_finds_the_pending_job(client_for, cast, cases, limit):
    client = client_for(cast.officer)
    first = _start(client, CSV)
    assert first.status_code == 302 and first["Location"] == reverse("units:export_list")
    second = _start(client, CSV)
    assert second.status_code == 302
    job = ExportJob.objects.get()
    assert (job.requester, job.kind, job.status) == (cast.officer, CSV, ExportJob.Status.QUEUED)
    assert job.label == "投诉台账（CSV）"
    # Another kind is another job.
    _start(client, XLSX)
    assert ExportJob.objects.count() == 2


def test_the_post_enqueues_the_build_on_commit(client_for, cast, cases, limit, monkeypatch):
    sent: list = []
    monkeypatch.setattr(exports, "enqueue_on_commit", lambda task, *a: sent.append((task, a)))
    _start(client_for(cast.officer), CSV)
    assert sent == [(exports.BUILD_TASK, (ExportJob.objects.get().pk,))]


def test_bad_requests_save_nothing(client_for, cast, cases, limit):
    client = client_for(cast.officer)
    assert _start(client, "complaints.nothing").status_code == 404
    assert client.get(reverse("units:export_start", args=[CSV])).status_code == 405
    # Not allowed to export: refused as the direct export refuses.
    assert _start(client_for(cast.head_a), CSV).status_code == 403
    assert not ExportJob.objects.exists()


def _job(user, kind: str, params: str = "") -> ExportJob:
    job, created = exports.export_request(user=user, kind=kind, params=params)
    assert created
    return job


@pytest.mark.parametrize(("kind", "name"), [(CSV, "complaints:export_csv")])
def test_the_csv_built_in_the_background_is_the_direct_export(
    client_for, cast, cases, media, settings, kind, name
):
    client = client_for(cast.officer)
    direct = _csv_rows(_body(client.get(reverse(name))))
    job = _job(cast.officer, kind)
    assert tasks.build_export(job.pk) is True
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.rows == 3
    stored = Path(media, job.file.name).read_bytes()
    assert job.size == len(stored)
    assert _csv_rows(stored) == direct
    download = client.get(reverse("units:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert _body(download) == stored


def test_the_workbook_built_in_the_background_is_the_direct_export(client_for, cast, cases, media):
    client = client_for(cast.officer)
    direct = _workbook_rows(_body(client.get(reverse("complaints:export"))))
    job = _job(cast.officer, XLSX)
    tasks.build_export(job.pk)
    job.refresh_from_db()
    assert job.rows == 3 and job.filename.endswith(".xlsx")
    assert _workbook_rows(_body(client.get(reverse("units:export_download", args=[job.pk])))) == (
        direct
    )
    assert len(direct) == 3


def test_a_filtered_list_exported_in_the_background_keeps_its_filters(
    client_for, cast, cases, limit
):
    """Above the limit the offer carries the list's query string to the job: the file in
    我的导出 holds what the list showed (two of the three cases), under its count."""
    client = client_for(cast.officer)
    # Counted as filtered: two cases are within the limit of two, sent directly.
    direct = client.get(reverse("complaints:export_csv"), {"status": "registered"})
    assert direct.streaming and len(_csv_rows(_body(direct))) == 2
    limit.ZUOFENG_EXPORT_DIRECT_MAX_ROWS = 1
    offer = client.get(reverse("complaints:export_csv"), {"status": "registered"})
    assert offer.status_code == 200 and not offer.streaming
    assert 'value="status=registered"' in offer.content.decode()
    job = _job(cast.officer, CSV, "status=registered&sort=new")
    assert job.label == "投诉台账（CSV）（状态：已登记）", job.label
    assert tasks.build_export(job.pk) is True
    job.refresh_from_db()
    assert job.rows == 2
    rows = _csv_rows(_body(client.get(reverse("units:export_download", args=[job.pk]))))
    assert sorted(row[3] for row in rows) == ["学校乱收费", "窗口推诿一"]


def test_running_twice_builds_once_and_notifies_once(cast, cases, media):
    job = _job(cast.officer, CSV)
    assert tasks.build_export(job.pk) is True
    assert tasks.build_export(job.pk) is False
    notices = Notification.objects.filter(recipient=cast.officer, object_key=f"exportjob:{job.pk}")
    assert notices.count() == 1
    notice = notices.get()
    assert notice.kind == Notification.Kind.INFO
    assert notice.url == reverse("units:export_list")
    assert "导出文件已生成" in notice.title
    assert len(list(Path(media, "exports").iterdir())) == 1


def test_a_subtree_officers_export_holds_only_their_units(cast, cases, media):
    job = _job(cast.township_officer, CSV)
    tasks.build_export(job.pk)
    job.refresh_from_db()
    rows = _csv_rows(Path(media, job.file.name).read_bytes())
    assert sorted(row[3] for row in rows) == ["窗口推诿一", "窗口推诿二"]
    assert job.rows == 2


def test_the_scope_is_the_requesters_when_the_task_runs(cast, cases, media):
    job = _job(cast.leader, CSV)
    # The leader is no longer a leader by the time the worker gets to it.
    cast.leader.groups.clear()
    cast.leader.user_permissions.clear()
    assert tasks.build_export(job.pk) is False
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "已无权导出" in job.error
    assert not job.file
    assert not Notification.objects.filter(object_key=f"exportjob:{job.pk}").exists()


def test_only_the_requester_downloads(client, client_for, cast, cases, media):
    job = _job(cast.leader, CSV)
    tasks.build_export(job.pk)
    url = reverse("units:export_download", args=[job.pk])
    assert client_for(cast.leader).get(url).status_code == 200
    for other in (cast.officer, cast.head_a, cast.township_officer):
        assert client_for(other).get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client_for(cast.leader).post(url).status_code == 405


def test_a_missing_file_or_an_unfinished_job_is_not_found(client_for, cast, cases, media):
    job = _job(cast.officer, CSV)
    client = client_for(cast.officer)
    assert client.get(reverse("units:export_download", args=[job.pk])).status_code == 404
    tasks.build_export(job.pk)
    job.refresh_from_db()
    Path(media, job.file.name).unlink()
    assert client.get(reverse("units:export_download", args=[job.pk])).status_code == 404


def test_the_rectification_ledger_goes_to_the_background_with_its_filters(
    client_for, cast, media, settings
):
    campaign = campaign_start(cast)
    for problem in ("首问负责不落实一", "首问负责不落实二", "窗口授权不到位"):
        item_drive(cast, campaign, problem=problem)
    client = client_for(cast.head_a)
    url = reverse("campaign:ledger_export", args=[campaign.pk])
    direct = _workbook_rows(_body(client.get(url, {"q": "首问负责"})))
    assert len(direct) == 2
    taken = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert (taken.user, taken.detail) == (cast.head_a, f"整改台账（{campaign.name}）：2 行")
    settings.ZUOFENG_EXPORT_DIRECT_MAX_ROWS = 1
    offer = client.get(url, {"q": "首问负责"})
    assert offer.status_code == 200 and "本次导出共2行" in offer.content.decode()
    params = offer.context["params"]
    assert f"campaign={campaign.pk}" in params
    ledger = reverse("campaign:ledger", args=[campaign.pk])
    assert offer.context["back"] == f"{ledger}?q=%E9%A6%96%E9%97%AE%E8%B4%9F%E8%B4%A3"
    response = _start(client, "campaign.ledger_xlsx", params)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.label == f"整改台账（{campaign.name}）"
    tasks.build_export(job.pk)
    job.refresh_from_db()
    assert job.rows == 2
    stored = _workbook_rows(_body(client.get(reverse("units:export_download", args=[job.pk]))))
    assert stored == direct
    # A campaign the user does not see is not found, and nothing is saved.
    assert _start(client_for(cast.outsider), "campaign.ledger_xlsx", params).status_code == 404
    assert ExportJob.objects.count() == 1


def _jobs(user, count: int) -> None:
    ExportJob.objects.bulk_create(
        ExportJob(requester=user, kind=CSV, params=f"n={n}", label="投诉台账", status="done")
        for n in range(count)
    )


def test_my_exports_lists_only_mine_newest_first_in_flat_queries(client_for, cast, media):
    client = client_for(cast.officer)
    _jobs(cast.officer, 1)
    _jobs(cast.leader, 1)
    url = reverse("units:export_list")
    client.get(url)  # the session and caches warm
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="export-job"') == 1
    _jobs(cast.officer, 9)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
    text = response.content.decode()
    assert text.count('data-testid="export-job"') == 10
    assert "我的导出" in text and "下载" in text
    assert len(ten) == len(one)
    assert client.post(url).status_code == 405


def test_the_user_menu_links_my_exports(client_for, cast):
    response = client_for(cast.head_a).get(reverse("units:workspace"))
    assert reverse("units:export_list") in response.content.decode()


def test_the_cleanup_deletes_old_files_and_jobs_and_fails_stuck_ones(cast, cases, media, settings):
    settings.ZUOFENG_EXPORT_KEEP_DAYS = 7
    old = _job(cast.officer, CSV)
    tasks.build_export(old.pk)
    old.refresh_from_db()
    path = Path(media, old.file.name)
    assert path.exists()
    fresh = _job(cast.officer, XLSX)
    tasks.build_export(fresh.pk)
    stuck = _job(cast.leader, CSV)
    now = timezone.now()
    ExportJob.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=8))
    ExportJob.objects.filter(pk=stuck.pk).update(created_at=now - datetime.timedelta(hours=7))

    assert tasks.sweep_exports() == 1
    assert not path.exists()
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert ExportJob.objects.get(pk=fresh.pk).status == ExportJob.Status.DONE
    stuck.refresh_from_db()
    assert stuck.status == ExportJob.Status.FAILED and "长时间未完成" in stuck.error
    # The task of a job failed meanwhile does nothing.
    assert tasks.build_export(stuck.pk) is False
    assert tasks.sweep_exports() == 0

    scheduled = PeriodicTask.objects.get(task="units.tasks.sweep_exports")
    assert scheduled.enabled and scheduled.name == "清理过期的后台导出文件"


def test_every_registered_kind_comes_from_its_app():
    kinds = exports.export_kinds()
    assert set(kinds) == {XLSX, CSV, "campaign.ledger_xlsx"}
    with pytest.raises(exports.UnknownExport):
        exports.export_kind("units.nothing")


def test_every_file_taken_is_in_the_security_log(client_for, cast, cases, media, settings):
    """安全日志: who took which file, how many rows, from where: a direct download (CSV or
    workbook, with the list's filters in its title) and a download from 我的导出."""
    client = client_for(cast.officer)
    _body(client.get(reverse("complaints:export_csv"), {"status": "registered"}))
    _body(client.get(reverse("complaints:export")))
    job = _job(cast.officer, CSV)
    tasks.build_export(job.pk)
    _body(client.get(reverse("units:export_download", args=[job.pk])))
    events = list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).order_by("pk"))
    assert [(e.user, e.detail) for e in events] == [
        (cast.officer, "投诉台账（CSV）（状态：已登记）：2 行"),
        (cast.officer, "投诉台账：3 行"),
        (cast.officer, "投诉台账（CSV）：3 行"),
    ]
    assert events[0].path == reverse("complaints:export_csv")  # the path, never the query
    assert events[2].path == reverse("units:export_download", args=[job.pk])
    # A file someone else asks for is not theirs (404) and nothing is logged as taken.
    assert (
        client_for(cast.leader).get(reverse("units:export_download", args=[job.pk])).status_code
        == 404
    )
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).count() == 3
