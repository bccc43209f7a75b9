"""bench_run settles the disk before each timed step: the kernel's buffers written, and a
CHECKPOINT where the bench's role may run one."""

from __future__ import annotations

import pytest
from django.db import connection

from bench.run import settle

pytestmark = pytest.mark.django_db


def test_settle_flushes_and_checkpoints_only_where_allowed():
    said: list[str] = []
    settle(said.append)
    assert len(said) == 1 and said[0].startswith("settled: disk writes flushed")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = cursor.fetchone()[0]
        if superuser:
            assert ", checkpoint" in said[0]
    else:
        assert ", checkpoint" not in said[0]
