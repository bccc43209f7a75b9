"""问责 now lives in campaign (campaign 0004 took over its tables): leave complaints' state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0005_bench_indexes'),
        ('campaign', '0004_accountability_from_complaints'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                    migrations.RemoveField(
                        model_name='historicalaccountabilityaction',
                        name='history_user',
                    ),
                    migrations.RemoveField(
                        model_name='historicalaccountabilityaction',
                        name='person',
                    ),
                    migrations.RemoveField(
                        model_name='historicalaccountabilityaction',
                        name='recorded_by',
                    ),
                    migrations.RemoveField(
                        model_name='historicalaccountabilityaction',
                        name='source_type',
                    ),
                    migrations.RemoveField(
                        model_name='historicalaccountabilityaction',
                        name='unit',
                    ),
                    migrations.DeleteModel(
                        name='AccountabilityAction',
                    ),
                    migrations.DeleteModel(
                        name='HistoricalAccountabilityAction',
                    ),
            ],
            database_operations=[],
        ),
    ]
