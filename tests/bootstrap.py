"""Re-create what the data migrations made, after a transactional test flushed it."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from units import roles

PROJECT_APPS = ("units", "campaign", "complaints", "assessments")


def ensure_migrated_data() -> None:
    if Group.objects.filter(name=roles.INSPECTION_STAFF).exists():
        return  # not flushed: the migrated data is there
    # Content types and permissions (post_migrate is skipped by serialized-rollback flushes).
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    loader = MigrationLoader(connection)
    plan: list[tuple[str, str]] = []
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key not in plan:
                plan.append(key)
    for key in plan:
        if key[0] not in PROJECT_APPS:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                # The current models stand in for the historical ones: the data migrations
                # only create rows the current schema still has.
                operation.code(apps, None)
