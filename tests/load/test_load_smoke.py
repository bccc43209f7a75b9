"""A short load test in CI: 20 users for 30 s against gunicorn + PostgreSQL + Redis.

It asserts behaviour, not speed: every request of the mixed public, unit-head and leader
traffic answers as expected (zero errors), and the steady state was measured at all. The
latencies are recorded, never judged: printed in the test's output and written to
test-results/load-smoke/summary.json (with locust's CSV files). A CI machine shares its
cores with whatever else runs, so its p95 is a measurement of that machine, not of the code
(this test once failed at p95 329 ms and 346 ms on a busy machine). The latency goal
(p95 <= 300 ms) is judged by the full run (tests/load/run_load.py, README "Load test") and
`make bench`, each reported with the machine's load.

Twelve staff sign in within the first seconds and each sign-in hashes a password for about
a second of CPU: on two cores that burst would be most of a short run, so the figures
cover the pages and forms requested after the last sign-in (--steady-state). Locally it
runs with CI=true and a PostgreSQL DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
RUNNER = Path(__file__).with_name("run_load.py")
OUTPUT = Path(__file__).resolve().parents[2] / "test-results" / "load-smoke"
# Enough steady-state requests that "zero errors" covers every kind of page and form the
# simulated users open: 150 to 215 were measured with both cores busy or idle (a busy
# machine delays the sign-ins, which shortens the steady state).
MIN_MEASURED = 50


@pytest.mark.skipif(
    not IN_CI or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the load smoke test runs in CI (CI=true) against PostgreSQL and Redis",
)
def test_twenty_users_for_thirty_seconds_have_no_errors(capsys):
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    # Its own Redis database next to the suite's: the runner flushes it.
    load_redis = re.sub(r"/\d+$", "", redis_url) + "/13"
    summary_path = OUTPUT / "summary.json"
    summary_path.unlink(missing_ok=True)
    result = subprocess.run(  # noqa: S603 (fixed argv from this checkout)
        [
            sys.executable,
            str(RUNNER),
            "--users=20",
            "--spawn-rate=10",
            "--run-time=30s",
            "--steady-state",
            "--record-latency",
            "--workers=3",
            "--database=zf_load_smoke",
            f"--redis-url={load_redis}",
            f"--output={OUTPUT}",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = [
        line
        for line in result.stdout.splitlines()
        if line.startswith(("Load test:", "RESULT:", "Figures:"))
    ]
    with capsys.disabled():  # the recorded latencies belong in the CI log, pass or fail
        print("\n" + "\n".join(report))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    figures = json.loads(summary_path.read_text())
    assert figures["errors"] == 0
    assert figures["requests"] > 100
    assert figures["measured"] >= MIN_MEASURED, figures
