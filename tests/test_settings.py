"""Production settings refuse to start without secrets and pass `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "2hm9H4mUmzsdfyJnwkGNZ-h0CgJ6nQ3tGBZ3D7l3xJc="


def run_check(extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.prod", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_prod_refuses_to_start_without_secrets():
    result = run_check({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "ZUOFENG_IDENTITY_KEYS" in result.stderr


def test_prod_refuses_a_weak_secret_key_and_sqlite():
    base = {
        "DJANGO_ALLOWED_HOSTS": "zuofeng.example.gov.cn",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ZUOFENG_IDENTITY_KEYS": KEY,
    }
    weak = run_check({**base, "DJANGO_SECRET_KEY": "short", "DATABASE_URL": "postgres://x@h/db"})
    assert weak.returncode != 0 and "DJANGO_SECRET_KEY" in weak.stderr
    sqlite = run_check(
        {**base, "DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "DATABASE_URL": "sqlite:///x.db"}
    )
    assert sqlite.returncode != 0 and "PostgreSQL" in sqlite.stderr


def test_prod_passes_check_deploy_with_no_warnings():
    result = run_check(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "zuofeng.example.gov.cn",
            "DATABASE_URL": "postgres://zuofeng@127.0.0.1:5432/zuofeng",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "ZUOFENG_IDENTITY_KEYS": KEY,
        }
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
