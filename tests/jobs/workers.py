"""Real `celery -A config worker` processes for the reliability tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def test_database_url() -> str:
    """The URL of the database this test process uses (pytest-django's test_<name>)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def broker() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def clear_queue() -> None:
    """Empty the default queue and kombu's unacknowledged set in this test's Redis db only."""
    broker().delete("celery", "unacked", "unacked_index", "unacked_mutex")


def unacked_count() -> int:
    return int(broker().hlen("unacked"))


class Worker:
    """One worker process (prefork, concurrency 1) in its own process group."""

    def __init__(self, name: str, log_dir: Path, **env: str) -> None:
        self.name = name
        self.log = log_dir / f"{name}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            # The console e-mail backend writes each message to the log, where tests count them.
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool=prefork", "--concurrency=1", f"--hostname={self.name}@%h",
            "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (a fixed command of ours)
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if " ready." in self.output():
                return self
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited:\n{self.output()}")
            time.sleep(0.2)
        raise AssertionError(f"worker {self.name} not ready in 60 s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group: the machine died, nothing got to clean up."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
