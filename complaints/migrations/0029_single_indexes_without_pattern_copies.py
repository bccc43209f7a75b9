"""The case number and tracking hash unique by constraints, status and supervision indexed in
Meta: the fields' unique=True / db_index=True also built a varchar_pattern_ops copy of each
index on PostgreSQL (for LIKE 'x%', which nothing asks of these columns), and every new case
wrote into all four copies; the tracking hash's two indexes are 240 MB each at province
scale, written at random places.

On PostgreSQL the copies are dropped and the indexes kept are renamed to the names the model
now gives them (instant: no index is rebuilt on two million rows, intake does not wait).
Elsewhere (SQLite) Django's own operations do the same."""

from django.db import migrations, models

from units.migration_indexes import ElsewhereThanPostgres, RunSQLOnPostgres

TABLE = "complaints_complaint"

FORWARD = f"""
DROP INDEX IF EXISTS complaints_complaint_number_0bd00cd2_like;
ALTER TABLE {TABLE} RENAME CONSTRAINT complaints_complaint_number_key
    TO complaint_number_unique;
DROP INDEX IF EXISTS complaints_complaint_tracking_hash_a11e15e3_like;
ALTER TABLE {TABLE} RENAME CONSTRAINT complaints_complaint_tracking_hash_a11e15e3_uniq
    TO complaint_tracking_hash_unique;
DROP INDEX IF EXISTS complaints_complaint_status_ca5f4577_like;
ALTER INDEX complaints_complaint_status_ca5f4577 RENAME TO complaint_status;
DROP INDEX IF EXISTS complaints_complaint_supervision_21ce57f3_like;
ALTER INDEX complaints_complaint_supervision_21ce57f3 RENAME TO complaint_supervision;
"""

BACKWARD = f"""
ALTER INDEX complaint_supervision RENAME TO complaints_complaint_supervision_21ce57f3;
CREATE INDEX complaints_complaint_supervision_21ce57f3_like
    ON {TABLE} (supervision varchar_pattern_ops);
ALTER INDEX complaint_status RENAME TO complaints_complaint_status_ca5f4577;
CREATE INDEX complaints_complaint_status_ca5f4577_like ON {TABLE} (status varchar_pattern_ops);
ALTER TABLE {TABLE} RENAME CONSTRAINT complaint_tracking_hash_unique
    TO complaints_complaint_tracking_hash_a11e15e3_uniq;
CREATE INDEX complaints_complaint_tracking_hash_a11e15e3_like
    ON {TABLE} (tracking_hash varchar_pattern_ops);
ALTER TABLE {TABLE} RENAME CONSTRAINT complaint_number_unique
    TO complaints_complaint_number_key;
CREATE INDEX complaints_complaint_number_0bd00cd2_like ON {TABLE} (number varchar_pattern_ops);
"""

OPERATIONS = [
    migrations.AlterField(
        model_name="complaint",
        name="number",
        field=models.CharField(max_length=20, verbose_name="Case number"),
    ),
    migrations.AlterField(
        model_name="complaint",
        name="status",
        field=models.CharField(
            choices=[
                ("registered", "Registered"),
                ("accepted", "Accepted for handling"),
                ("rejected", "Not accepted"),
                ("assigned", "Assigned for handling"),
                ("reroute_requested", "Re-routing requested"),
                ("answered", "Answered by the unit"),
                ("sent_back", "Sent back for re-handling"),
                ("return_visit", "Return visit"),
                ("closed", "Case closed"),
                ("merged", "Merged as duplicate"),
            ],
            default="registered",
            max_length=20,
            verbose_name="Status",
        ),
    ),
    migrations.AlterField(
        model_name="complaint",
        name="supervision",
        field=models.CharField(
            choices=[
                ("none", "None"),
                ("supervised", "Supervised handling"),
                ("listed", "Listed supervision"),
            ],
            default="none",
            max_length=16,
            verbose_name="Supervision",
        ),
    ),
    migrations.AlterField(
        model_name="complaint",
        name="tracking_hash",
        field=models.CharField(max_length=64, verbose_name="Tracking code hash"),
    ),
    migrations.AddIndex(
        model_name="complaint",
        index=models.Index(fields=["status"], name="complaint_status"),
    ),
    migrations.AddIndex(
        model_name="complaint",
        index=models.Index(fields=["supervision"], name="complaint_supervision"),
    ),
    migrations.AddConstraint(
        model_name="complaint",
        constraint=models.UniqueConstraint(fields=("number",), name="complaint_number_unique"),
    ),
    migrations.AddConstraint(
        model_name="complaint",
        constraint=models.UniqueConstraint(
            fields=("tracking_hash",), name="complaint_tracking_hash_unique"
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0028_figure_unit_totals_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=OPERATIONS,
            database_operations=[
                RunSQLOnPostgres(FORWARD, BACKWARD),
                *[ElsewhereThanPostgres(operation) for operation in OPERATIONS],
            ],
        ),
    ]
