"""The 督办 board's search of open rectification items (PostgreSQL only).

The board searches the problem text of the open items past their deadline: at province
scale some 35 000 rows read from the table for each search, twice (the count and the
page). A GIN index of the character pairs (units.search_db) of the open items' problems
finds the few that can match instead. A function of its own name (PL/pgSQL and costly, so
never inlined) makes this small partial index the only one that can serve the condition.
SQLite has none of it: the board filters plainly.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db.models import Func, TextField

from units.search_db import GRAMS_SQL

# The item statuses of the index: filed and not closed (campaign.selectors.FILED_OPEN).
ITEM_SEARCH_SQL = f"""
{GRAMS_SQL}
CREATE OR REPLACE FUNCTION zf_open_item_grams(problem text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 10000 AS $$
BEGIN
  RETURN zf_grams(problem);
END
$$;
CREATE INDEX IF NOT EXISTS item_open_search_grams ON campaign_rectificationitem
  USING gin (zf_open_item_grams(problem))
  WHERE status IN ('submitted', 'accepted', 'returned', 'in_progress', 'closure_requested')
"""
ITEM_SEARCH_DROP_SQL = """
DROP INDEX IF EXISTS item_open_search_grams;
DROP FUNCTION IF EXISTS zf_open_item_grams(text);
"""


class OpenItemGrams(Func):
    """An open item's problem as pairs, as item_open_search_grams holds them."""

    function = "zf_open_item_grams"
    output_field = ArrayField(TextField())
