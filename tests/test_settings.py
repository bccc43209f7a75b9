"""Production settings refuse to start without secrets and pass `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "2hm9H4mUmzsdfyJnwkGNZ-h0CgJ6nQ3tGBZ3D7l3xJc="
TRACKING_KEY = "tests-only-tracking-key-4Qm8YpZ2wKc7"


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
    assert "ZUOFENG_TRACKING_KEY" in result.stderr


def test_prod_refuses_a_weak_secret_key_and_sqlite():
    base = {
        "DJANGO_ALLOWED_HOSTS": "zuofeng.example.gov.cn",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ZUOFENG_IDENTITY_KEYS": KEY,
        "ZUOFENG_TRACKING_KEY": TRACKING_KEY,
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
            "ZUOFENG_TRACKING_KEY": TRACKING_KEY,
        }
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def _python(code, extra_env):
    """Run `code` in a fresh interpreter with no Django variables but `extra_env`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    for name in ("REDIS_URL", "ZUOFENG_ENV", "ZUOFENG_IDENTITY_KEYS", "ZUOFENG_TRACKING_KEY"):
        env.pop(name, None)
    env.update(extra_env)
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PROD_SECRETS = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "zuofeng.example.gov.cn",
    "DATABASE_URL": "postgres://zuofeng@127.0.0.1:5432/zuofeng",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ZUOFENG_IDENTITY_KEYS": KEY,
    "ZUOFENG_TRACKING_KEY": TRACKING_KEY,
}
SHOW = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"


def test_the_wsgi_application_without_a_settings_variable_is_production():
    # The Celery app is imported first (config/__init__.py), as in every process: it cannot
    # switch the web process to development settings.
    started = _python(f"import config.celery; import config.wsgi; {SHOW}", PROD_SECRETS)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["config.settings.prod", "False"]
    refused = _python("import config.wsgi", {})
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY" in refused.stderr and "ImproperlyConfigured" in refused.stderr


def test_every_entry_point_resolves_settings_by_the_same_rule():
    for module in ("config.asgi", "config.celery"):
        started = _python(f"import {module}; {SHOW}", PROD_SECRETS)
        assert started.returncode == 0, started.stderr
        assert started.stdout.split() == ["config.settings.prod", "False"], module
    # manage.py by hand on a checkout is development; under a production environment it is not.
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    base.pop("ZUOFENG_ENV", None)
    by_hand = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=base, capture_output=True, text=True
    )
    assert by_hand.stdout.split()[-2] == "config.settings.dev", by_hand.stderr
    production = subprocess.run(  # noqa: S603
        command,
        cwd=ROOT,
        env={**base, **PROD_SECRETS, "ZUOFENG_ENV": "production"},
        capture_output=True,
        text=True,
    )
    assert production.stdout.split()[-2:] == ["config.settings.prod", "False"], production.stderr
    unknown = _python("import config.wsgi", {"ZUOFENG_ENV": "staging"})
    assert unknown.returncode != 0 and "ZUOFENG_ENV" in unknown.stderr
