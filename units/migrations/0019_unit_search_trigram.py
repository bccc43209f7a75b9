"""Trigram indexes for the unit picker's search (units.picker.unit_search).

The search is `UPPER(col) LIKE UPPER('%text%')` (Django's icontains) on name, short name and
code: a B-tree cannot serve a substring, a trigram GIN index on the same expression can,
Chinese included (the database's C.UTF-8 ctype counts CJK characters as letters). PostgreSQL
only: SQLite (the single-machine trial) scans its few hundred units. pg_trgm is a trusted
extension (PostgreSQL 13+): the database's owner may create it.
"""

from django.db import migrations

COLUMNS = ("name", "short_name", "code")


def _index(column: str) -> str:
    return f"units_unit_{column}_trgm"


class RunSQLOnPostgres(migrations.RunSQL):
    """Schema SQL, not data: a RunSQL (tests/bootstrap.py replays only RunPython)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("units", "0018_security_event_credential")]

    operations = [
        RunSQLOnPostgres(
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                *(
                    f"CREATE INDEX IF NOT EXISTS {_index(column)} ON units_unit "
                    f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
                    for column in COLUMNS
                ),
            ],
            [f"DROP INDEX IF EXISTS {_index(column)}" for column in COLUMNS],
        )
    ]
