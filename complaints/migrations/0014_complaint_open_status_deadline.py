"""The open cases by state and deadline, covering their units and id (the workspace's
complaint panel and the 督办 board read them from the index alone, for a subtree too).

Built CONCURRENTLY on PostgreSQL: a province's complaints keep being taken in while the
index builds. Plainly on SQLite (units.migration_indexes).
"""

from django.db import migrations, models

from units.migration_indexes import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0013_figures_rollup_and_search"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "accepted",
                            "answered",
                            "assigned",
                            "registered",
                            "reroute_requested",
                            "return_visit",
                            "sent_back",
                        ],
                    )
                ),
                fields=["status", "deadline"],
                include=("unit", "subject_unit", "id"),
                name="complaint_open_status_deadline",
            ),
        ),
    ]
