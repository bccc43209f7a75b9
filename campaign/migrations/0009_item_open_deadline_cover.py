"""Open items with a hard deadline, covering their unit, id and level: the 督办 board counts
and pages them from the index alone.

Built CONCURRENTLY on PostgreSQL (a province's ledger keeps taking writes while it builds),
plainly on SQLite (units.migration_indexes).
"""

from django.db import migrations, models

from units.migration_indexes import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("campaign", "0008_item_cadre"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="rectificationitem",
            index=models.Index(
                condition=models.Q(
                    ("long_term", False),
                    (
                        "status__in",
                        ["submitted", "accepted", "returned", "in_progress", "closure_requested"],
                    ),
                ),
                fields=["status", "deadline"],
                include=("unit", "id", "level"),
                name="item_open_deadline_cover",
            ),
        ),
    ]
