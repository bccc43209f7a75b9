"""Uploads staged for an import preview are swept once older than ZUOFENG_STAGED_UPLOAD_HOURS,
in every staging folder; fresh ones and the rest of the media folder stay; twice is harmless."""

from __future__ import annotations

import io
import os
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from tests.factories import UserFactory
from tests.otp import verify_session
from units import tasks
from units.admin_export import ADMIN_IMPORT_FOLDER
from units.excel.staging import MARKER, Staged, staged_uploads_sweep
from units.models import Unit


def _age(path, hours: float) -> None:
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.ZUOFENG_STAGED_UPLOAD_HOURS = 24
    return tmp_path


def _stage(folder: str, hours_old: float) -> Staged:
    staged = Staged.create(folder, b"PK-workbook", {"rows": []})
    for path in (staged.upload, staged.preview_file):
        _age(path, hours_old)
    return staged


def test_old_staged_files_are_removed_in_every_folder_and_fresh_ones_kept(media):
    old_ledger = _stage("campaign-imports", 30)
    old_hotline = _stage("complaint-imports", 25)
    fresh = _stage("campaign-imports", 2)
    finished = _stage("evaluation-imports", 2)
    finished.claim()
    finished.finish({"new": 3})
    _age(finished.done_file, 48)
    # Not a staging folder: complaint attachments live in the media folder too.
    attachments = media / "complaints"
    attachments.mkdir()
    attachment = attachments / "evidence.pdf"
    attachment.write_bytes(b"%PDF")
    _age(attachment, 24 * 400)

    removed = staged_uploads_sweep()

    assert removed == 5  # two uploads, two previews, one finished import's note
    for staged in (old_ledger, old_hotline):
        assert not staged.upload.exists() and not staged.preview_file.exists()
    assert old_ledger.preview() is None  # the page says the upload expired
    assert fresh.upload.exists() and fresh.preview() == {"rows": []}
    assert finished.done() is None
    assert attachment.exists()
    assert (media / "campaign-imports" / MARKER).exists()  # the folder stays a staging folder

    assert staged_uploads_sweep() == 0  # twice is harmless
    assert fresh.upload.exists() and attachment.exists()


def test_a_confirmation_in_progress_is_not_swept(media):
    staged = _stage("campaign-imports", 23.9)
    assert staged.claim() == b"PK-workbook"  # the claim makes the running file fresh

    staged_uploads_sweep()

    assert staged.in_progress()


def test_nothing_to_sweep_without_a_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "missing")
    assert staged_uploads_sweep() == 0


@pytest.mark.django_db
def test_the_sweep_runs_daily_from_the_schedule(media):
    _stage("complaint-imports", 30)

    assert tasks.sweep_staged_uploads() == 2
    assert tasks.sweep_staged_uploads() == 0

    scheduled = PeriodicTask.objects.get(task="units.tasks.sweep_staged_uploads")
    assert scheduled.enabled and scheduled.crontab.hour == "3"


@pytest.mark.django_db
def test_the_admins_import_stages_its_upload_where_the_sweep_clears_it(media, cast, client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    verify_session(client, user)

    def upload(code: str) -> SimpleUploadedFile:
        book = openpyxl.Workbook()
        book.active.append(["单位编码", "单位名称", "单位类型", "上级单位编码"])
        book.active.append([code, f"{code}科", "机关处室", cast.dept_b.code])
        out = io.BytesIO()
        book.save(out)
        return SimpleUploadedFile("单位.xlsx", out.getvalue())

    def preview(code: str):
        response = client.post(
            reverse("admin:units_unit_import"),
            {"format": "0", "resource": "0", "import_file": upload(code)},
        )
        assert response.status_code == 200
        return response.context["confirm_form"]

    folder = media / ADMIN_IMPORT_FOLDER
    abandoned = preview("SLX-JYJ-A")
    confirmed = preview("SLX-JYJ-B")
    staged = folder / abandoned.initial["import_file_name"]
    assert staged.exists() and (folder / MARKER).exists()

    client.post(
        reverse("admin:units_unit_process_import"),
        {name: confirmed.initial[name] for name in confirmed.fields},
    )
    assert Unit.objects.filter(code="SLX-JYJ-B").exists()
    assert not (folder / confirmed.initial["import_file_name"]).exists()  # removed on confirm

    assert staged_uploads_sweep() == 0  # fresh: kept
    _age(staged, 30)
    assert staged_uploads_sweep() == 1
    assert not staged.exists()
