"""The README's production section, followed: deploy/cluster-check.sh starts two gunicorn
web processes, two Celery workers and one beat against one PostgreSQL and one Redis, and
shows requests served by both web processes and tasks consumed by both workers."""

from __future__ import annotations

import os
import re
import subprocess

from django.conf import settings
from django.db import connection

from tests.jobs.workers import ROOT


def test_two_web_processes_and_two_workers_share_one_database_and_one_broker(real_services):
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    redis_server = settings.CELERY_BROKER_URL.rsplit("/", 1)[0]
    env = {
        **os.environ,
        # A database and a Redis db of the check's own, on the servers the tests use.
        "CLUSTER_DATABASE_URL": f"postgres://{auth}@{host}/zf_cluster",
        "CLUSTER_REDIS_URL": f"{redis_server}/10",
        "CLUSTER_TASKS": "30",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # The browser tests' switch (tests/conftest.py) must not reach a production check.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(  # noqa: S603 (our own script)
        [str(ROOT / "deploy" / "cluster-check.sh")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "cluster-check: OK" in output
    assert len(re.findall(r"web 127\.0\.0\.1:\d+\s+6/6 requests answered 200", output)) == 2
    consumed = [int(n) for n in re.findall(r"worker \S+\s+consumed (\d+) tasks", output)]
    assert len(consumed) == 2 and all(consumed) and sum(consumed) >= 30, output
