"""The open cases by the day received gain what the lists' scope and filters read (the
state, the handling unit, the unit complained about, the category, the channel, 督办, the
deadline and the paused clock of the light), so that a list's page of ids comes from the
index alone. The new index is built CONCURRENTLY under a
new name, then the old one dropped: the ledger and the lists are never without one.
"""

from django.db import migrations, models

from units.migration_indexes import AddIndexConcurrentlyOnPostgres

OPEN = [
    "accepted",
    "answered",
    "assigned",
    "registered",
    "reroute_requested",
    "return_visit",
    "sent_back",
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0029_single_indexes_without_pattern_copies"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["received_at", "id"],
                include=(
                    "status",
                    "unit",
                    "subject_unit",
                    "category",
                    "channel",
                    "supervision",
                    "deadline",
                    "clock_paused",
                ),
                name="complaint_open_received_cover",
            ),
        ),
        migrations.RemoveIndex(
            model_name="complaint",
            name="complaint_open_received",
        ),
    ]
