"""Reliability tests: real PostgreSQL and Redis, and real worker processes where it matters.

They run in CI (CI=true, DATABASE_URL and REDIS_URL set) and must not be skipped there;
on a laptop without those services they skip and say why.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools

from config.celery import app

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_postgres_and_redis() -> None:
    missing = []
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL (PostgreSQL)")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        missing.append("REDIS_URL (Redis broker)")
    if missing:
        reason = "needs " + " and ".join(missing)
        if IN_CI:
            pytest.fail(f"CI must run the reliability tests against real services: {reason}")
        pytest.skip(reason)


@pytest.fixture
def real_services() -> None:
    require_postgres_and_redis()


def reset_broker_pools() -> None:
    """Drop kombu's global pools so the next publish opens a connection to the current URL."""
    pools.reset()
    app._pool = app.amqp._producer_pool = None


@pytest.fixture
def publishing():
    """Celery publishes to the broker for real (the test settings run tasks eagerly)."""
    app.conf.task_always_eager = False
    reset_broker_pools()
    try:
        yield app
    finally:
        app.conf.task_always_eager = True
        reset_broker_pools()


@pytest.fixture
def slow_inserts():
    """slow_inserts(table, seconds): every INSERT statement into `table` sleeps first."""
    tables: list[str] = []

    def slow(table: str, seconds: float) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION zf_test_slow_insert() RETURNS trigger AS $$ "
                f"BEGIN PERFORM pg_sleep({float(seconds)}); RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f'CREATE TRIGGER zf_test_slow_insert BEFORE INSERT ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION zf_test_slow_insert()"
            )
        tables.append(table)

    def fast() -> None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'DROP TRIGGER IF EXISTS zf_test_slow_insert ON "{table}"')
            cursor.execute("DROP FUNCTION IF EXISTS zf_test_slow_insert()")
        tables.clear()

    slow.fast = fast  # type: ignore[attr-defined]
    try:
        yield slow
    finally:
        fast()
