"""Open items with a hard deadline per campaign, covering their unit: the campaign page counts
逾期未销号 per unit from the index alone (what the roll-up cannot keep: it changes with the day).

Built CONCURRENTLY on PostgreSQL, plainly on SQLite (units.migration_indexes).
"""

from django.db import migrations, models

from units.migration_indexes import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("campaign", "0016_item_figures_rollup"),
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
                fields=["campaign", "deadline"],
                include=("unit",),
                name="item_open_campaign_deadline",
            ),
        ),
    ]
