"""Substring search of Chinese text through a GIN index of character pairs (PostgreSQL).

Chinese has no spaces: pg_trgm's trigrams need three characters of a word, so a
two-character query such as 推诿 gets no help from a trigram index. These functions cut a
text into every pair of neighbouring characters, upper-cased; an expression GIN index over
`zf_grams(column)` then finds the rows holding every pair of a query (`@>`), and the
original `icontains` filter checks the match. A one-character query has no pair and is
filtered without the index. Each app indexes its own columns (complaints.figures_db for
cases, campaign migration 0020 for open items) and runs `GRAMS_SQL` first: CREATE OR
REPLACE, the same body whichever app runs it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connections, router
from django.db.models import Func, TextField, Value

GRAMS_SQL = """
-- Every pair of neighbouring characters, upper-cased: the pairs at even offsets, then at
-- odd ones, split on chr(1) (C functions only: two million rows index in minutes). The last
-- character of each run may stand alone and an element may be empty: harmless in a row's
-- array, dropped from a query's (zf_query_grams).
CREATE OR REPLACE FUNCTION zf_grams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_split_to_array(
    regexp_replace(upper(doc), '(..)', '\\1' || chr(1), 'g') || chr(1)
    || regexp_replace(substr(upper(doc), 2), '(..)', '\\1' || chr(1), 'g'), chr(1))
$$;

-- A query's pairs (two characters or more): every one must be among the row's.
CREATE OR REPLACE FUNCTION zf_query_grams(query text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ARRAY(SELECT DISTINCT g FROM unnest(zf_grams(query)) g WHERE length(g) = 2)
$$;
"""


class QueryGrams(Func):
    """A query's character pairs, split and upper-cased as the indexes' are."""

    function = "zf_query_grams"
    output_field = ArrayField(TextField())


def pairs_narrowed(rows: Any, pairs: Func, text: str) -> Any:
    """`rows` narrowed to those whose `pairs` (an indexed expression over the row) hold every
    pair of `text`: a necessary condition, the caller's `icontains` then checks the match.
    As they are where no index can help: off PostgreSQL, or a one-character query."""
    if connections[router.db_for_read(rows.model)].vendor != "postgresql" or len(text) < 2:
        return rows
    return rows.filter(DataContains(pairs, QueryGrams(Value(text))))
