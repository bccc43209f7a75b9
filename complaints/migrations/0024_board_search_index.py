"""The 督办 board's search through an index of open cases' character pairs (PostgreSQL).

complaints.figures_db.OPEN_SEARCH_SQL: a function of its own name and a GIN index of the
open cases only (what the board lists), built while intake waits no longer than on any
index of a few tens of thousands of rows. SQLite has none of it: the board filters plainly.
"""

from django.db import migrations

from complaints.figures_db import OPEN_SEARCH_DROP_SQL, OPEN_SEARCH_SQL
from units.migration_indexes import RunSQLOnPostgres


class Migration(migrations.Migration):
    dependencies = [("complaints", "0023_board_and_figures_indexes")]

    operations = [RunSQLOnPostgres(OPEN_SEARCH_SQL, OPEN_SEARCH_DROP_SQL)]
