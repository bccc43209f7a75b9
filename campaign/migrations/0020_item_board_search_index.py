"""The 督办 board's search of open items through an index of their problems' character
pairs (PostgreSQL only; campaign.search_db)."""

from django.db import migrations

from campaign.search_db import ITEM_SEARCH_DROP_SQL, ITEM_SEARCH_SQL
from units.migration_indexes import RunSQLOnPostgres


class Migration(migrations.Migration):
    dependencies = [("campaign", "0019_item_fewer_indexes")]

    operations = [RunSQLOnPostgres(ITEM_SEARCH_SQL, ITEM_SEARCH_DROP_SQL)]
