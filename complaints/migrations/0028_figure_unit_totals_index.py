"""The figures by unit read their units' totals from an index (the county-wide kinds
only: 80,000 of the roll-up's 1.4 million rows at province scale). Built CONCURRENTLY on
PostgreSQL: the roll-up is written by every change to a complaint."""

from django.db import migrations, models

from units.migration_indexes import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0027_open_cases_index_channel"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="complaintfigure",
            index=models.Index(
                condition=models.Q(("kind__in", ["unit", "handling_unit"])),
                fields=["kind", "unit"],
                include=("year", "total"),
                name="complaint_figure_unit_totals",
            ),
        ),
    ]
