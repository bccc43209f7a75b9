"""The complaints of a period, covering what scoring's facts and the figures read of each
(status, verdict, units, deadline, answer and closing times, paused clock, commitment):
a year's complaints are counted from the index alone. It replaces the plain index on the
day received (same key), built first so that no query is ever without one.

Built CONCURRENTLY on PostgreSQL (a province's two million complaints keep being taken in
while it builds), plainly on SQLite (units.migration_indexes).
"""

from django.db import migrations, models

from units.migration_indexes import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0025_open_cases_index_category"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="complaint",
            index=models.Index(
                fields=["received_at"],
                include=(
                    "id",
                    "status",
                    "verdict",
                    "subject_unit",
                    "unit",
                    "deadline",
                    "answered_at",
                    "closed_at",
                    "clock_paused",
                    "commitment",
                ),
                name="complaint_received_cover",
            ),
        ),
        migrations.RemoveIndex(
            model_name="complaint",
            name="complaint_received",
        ),
    ]
