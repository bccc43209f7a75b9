"""An index on a big table, added without locking it on PostgreSQL and plainly elsewhere.

`AddIndexConcurrently` builds the index while the table keeps taking writes (a province's
two million complaints take a minute to index: intake must not wait on it), but it exists
on PostgreSQL only. The trial deployment and the fast tests run SQLite, where the same
migration adds the index the ordinary way (INCLUDE columns are left out there: SQLite has
no covering indexes). A migration using it sets `atomic = False` (CREATE INDEX CONCURRENTLY
cannot run inside a transaction).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddIndex, RunSQL
from django.db.migrations.operations.base import Operation


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    def describe(self) -> str:
        return f"{super().describe()} (concurrently on PostgreSQL)"

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RunSQLOnPostgres(RunSQL):
    """Schema SQL for PostgreSQL alone (functions, expression indexes SQLite has no use
    for); a RunSQL, not a RunPython, so tests/bootstrap.py does not replay it."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class ElsewhereThanPostgres(Operation):
    """`operation` on every database but PostgreSQL (SQLite), for a
    SeparateDatabaseAndState whose PostgreSQL half is a RunSQLOnPostgres: the state moves
    as `operation` says everywhere."""

    reversible = True

    def __init__(self, operation: Operation) -> None:
        self.operation = operation

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.operation], {})

    def describe(self) -> str:
        return f"{self.operation.describe()} (not on PostgreSQL)"

    def state_forwards(self, app_label: str, state: Any) -> None:
        self.operation.state_forwards(app_label, state)

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)
