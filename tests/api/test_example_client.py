"""docs/api_client_example.py against a live server, while an officer works the case."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from complaints import services
from complaints.models import Complaint
from tests.conftest import build_cast
from units.api.services import api_key_issue
from units.models import IntegrationClient

SCRIPT = Path(django_settings.BASE_DIR) / "docs" / "api_client_example.py"


def _wait_for(find, timeout: float = 60.0):
    """What the script did, as the database shows it (not a fixed sleep)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = find()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("the script never got there")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the live server and the test write at once: SQLite's shared in-memory test "
    "database locks whole tables and fails the other writer at once",
)
@pytest.mark.django_db(transaction=True)
def test_the_example_client_follows_a_case_to_its_reply(live_server, tmp_path, settings):
    settings.ZUOFENG_API_CHANGES_SETTLE_SECONDS = 0
    cast = build_cast()
    client = IntegrationClient.objects.create(
        name="12345 热线", can_push_complaints=True, can_read_status=True
    )
    key = api_key_issue(client=client, actor=None).secret
    script = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
        [
            sys.executable,
            str(SCRIPT),
            "--base",
            live_server.url,
            "--ticket",
            "12345-EXAMPLE-1",
            "--every",
            "0.2",
            "--cursor-file",
            str(tmp_path / "cursor.txt"),
        ],
        env={"ZUOFENG_API_KEY": key, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        complaint = _wait_for(
            lambda: Complaint.objects.filter(source_ticket="12345-EXAMPLE-1").first()
        )
        # Pushed twice, one case; then the officer and the unit work it.
        officer = cast.officer
        complaint = services.complaint_accept(complaint=complaint, actor=officer)
        complaint = services.complaint_assign(complaint=complaint, unit=cast.dept_a, actor=officer)
        complaint = services.complaint_answer(
            complaint=complaint,
            actor=cast.head_a,
            facts="经查属实。",
            verdict=Complaint.Verdict.SUBSTANTIATED,
            measures="批评教育。",
            public_reply="已对窗口工作人员批评教育，并当场为您办结。",
        )
        complaint = services.complaint_review(complaint=complaint, actor=officer, approve=True)
        services.complaint_rate(
            complaint=complaint, satisfaction=Complaint.Satisfaction.SATISFIED, actor=officer
        )
        output, _ = script.communicate(timeout=120)
    finally:
        if script.poll() is None:
            script.kill()
    assert script.returncode == 0, output
    assert "pushed 12345-EXAMPLE-1: 201" in output and "pushed again: 200" in output
    assert "return_visit → closed" in output
    assert "已对窗口工作人员批评教育，并当场为您办结。" in output
    assert Complaint.objects.filter(source_ticket="12345-EXAMPLE-1").count() == 1
