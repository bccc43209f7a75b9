"""The few cases naming a service commitment or a reception day, by them (partial indexes).

Built CONCURRENTLY on PostgreSQL: a province's complaints keep being taken in while the
indexes build. Plainly on SQLite (units.migration_indexes).
"""

from django.db import migrations, models

from units.migration_indexes import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0015_service_commitments_and_reception_days"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("commitment__isnull", False)),
                fields=["commitment"],
                name="complaint_commitment",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("reception_day__isnull", False)),
                fields=["reception_day"],
                name="complaint_reception_day",
            ),
        ),
    ]
