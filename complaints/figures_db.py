"""The database side of the complaint figures and the complaint search (PostgreSQL only).

**Figures roll-up** (docs/FIGURES.md): `complaints_complaintfigure` holds, per dimension of
the figures page (unit complained about, handling unit, category, channel, month) and year,
the counts that do not depend on the day. A row trigger appends each complaint's
contribution when it is inserted, deleted or changed in a column the figures read (the old
row −1, the new row +1: append-only, so that concurrent intake never waits on a shared
counter row); `compact()` sums the appended rows per key. Every write reaches it, whoever
makes it (services, admin, import, the API, a bulk `UPDATE`). A bulk load that disables
triggers (bench/generate.py) calls `rebuild()` afterwards. Each dimension is kept twice:
for the whole county, and per handling unit (kinds `s_…`, with the unit complained about
while no unit handles the case) for readers confined to a subtree, who add up the rows
complaints.selectors.complaint_scope_q lets them see.

The definitions are the selectors' (complaints.selectors): `year` and `month` as Django's
`received_at__year` and `TruncMonth` compute them in the project's time zone, `__date` as
`AT TIME ZONE`. Changing TIME_ZONE means `rebuild()`.

**Search**: an expression GIN index on every pair of neighbouring characters of a case's
number, subject, details and person complained about, upper-cased. Chinese has no
spaces: pg_trgm's trigrams need three characters of a word, so a two-character query such
as 态度 gets no help from a trigram index (measured: a sequential scan). A query's pairs
must all be among the case's (`@>`, exact on a GIN array index), and the original
`icontains` filter checks the match. A one-character query has no pair: it is filtered
without the index (the list stops at its first page of matches; the count at its limit).

SQLite (`make run`) has none of this: the figures are counted live and search scans.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, transaction

from units.models import Unit
from units.search_db import GRAMS_SQL

TABLE = "complaints_complaintfigure"
COUNTS = (
    "total",
    "decided",
    "accepted",
    "closed",
    "closed_on_time",
    "rated",
    "satisfied",
    "judged",
    "substantiated",
    "late_closed",
    "breached",
)
# Migration 0013 installed the roll-up before 违诺 was counted (0015 added `breached`): on a
# fresh database 0013 runs against a table without the column, so it installs without it.
COUNTS_BEFORE_BREACHES = COUNTS[:-1]
KEYS = ("kind", "year", "unit_id", "category_id", "channel", "month")
# The scoped kinds' rows (s_unit …) carry the case's handling unit and, when none handles it
# yet, the unit complained about: what complaints.selectors.complaint_scope_q reads, so that
# a reader confined to a subtree adds up the rows of its units (migration 0017 added them;
# earlier migrations install the roll-up without them).
SCOPE_KEYS = ("handling_unit_id", "subject_unit_id")
SCOPED = "s_"


def _columns(breaches: bool = True, scoped: bool = True) -> tuple[str, ...]:
    counts = COUNTS if breaches else COUNTS_BEFORE_BREACHES
    return KEYS + counts + (SCOPE_KEYS if scoped else ())


# The columns the figures read: an update touching none of them adds nothing.
WATCHED = (
    "status",
    "received_at",
    "subject_unit_id",
    "unit_id",
    "category_id",
    "channel",
    "deadline",
    "answered_at",
    "closed_at",
    "satisfaction",
    "verdict",
    "commitment_id",
)


# 违诺: substantiated or partly, naming a service commitment (selectors.breached_q).
_BREACHED = """,
          CASE WHEN c.commitment_id IS NOT NULL AND c.verdict IN ('substantiated', 'partly')
               THEN 1 ELSE 0 END AS breached"""


def _function_sql(tz: str, breaches: bool = True, scoped: bool = True) -> str:
    if not tz.replace("/", "").replace("_", "").replace("-", "").replace("+", "").isalnum():
        raise ValueError(f"unexpected time zone name {tz!r}")
    local = f"AT TIME ZONE '{tz}'"
    columns = ", ".join(_columns(breaches, scoped))
    # Per kind: the unit, category, channel and month the row counts under.
    kinds = [
        (
            "unit",
            "COALESCE(c.subject_unit_id, c.unit_id)::bigint",
            "NULL::bigint",
            "''::varchar",
            "NULL::date",
        ),
        ("handling_unit", "c.unit_id::bigint", "NULL", "''", "NULL"),
        ("category", "NULL", "c.category_id::bigint", "''", "NULL"),
        ("channel", "NULL", "NULL", "c.channel", "NULL"),
        ("month", "NULL", "NULL", "''", "f.m"),
    ]
    values = [(f"'{kind}'::varchar", *keys) for kind, *keys in kinds]
    names = "kind, unit_id, category_id, channel, month"
    if scoped:
        scope = ("c.unit_id::bigint", "CASE WHEN c.unit_id IS NULL THEN c.subject_unit_id END")
        values = [(*value, "NULL::bigint", "NULL::bigint") for value in values] + [
            (f"'{SCOPED}{kind}'", *keys, *scope) for kind, *keys in kinds
        ]
        names += ", hu, su"
    rows = ",\n      ".join(f"({', '.join(value)})" for value in values)
    # Dropped first: CREATE OR REPLACE may not change the columns a function returns (a
    # column added to the roll-up). The trigger function names it at run time only.
    return f"""
DROP FUNCTION IF EXISTS zf_complaint_figure_rows(complaints_complaint, integer);
CREATE FUNCTION zf_complaint_figure_rows(c complaints_complaint, sign integer)
RETURNS TABLE(kind varchar, year integer, unit_id bigint, category_id bigint, channel varchar,
              month date, total integer, decided integer, accepted integer, closed integer,
              closed_on_time integer, rated integer, satisfied integer, judged integer,
              substantiated integer, late_closed integer{", breached integer" if breaches else ""}
              {", handling_unit_id bigint, subject_unit_id bigint" if scoped else ""})
LANGUAGE sql STABLE AS $$
  SELECT k.kind, f.y, k.unit_id, k.category_id, k.channel, k.month,
         sign, sign * f.decided, sign * f.accepted, sign * f.closed, sign * f.on_time,
         sign * f.rated, sign * f.satisfied, sign * f.judged, sign * f.substantiated,
         sign * f.late_closed{", sign * f.breached" if breaches else ""}
         {", k.hu, k.su" if scoped else ""}
  FROM (SELECT
          extract(year FROM c.received_at {local})::integer AS y,
          date_trunc('month', c.received_at {local})::date AS m,
          CASE WHEN c.status <> 'registered' THEN 1 ELSE 0 END AS decided,
          CASE WHEN c.status NOT IN ('registered', 'rejected') THEN 1 ELSE 0 END AS accepted,
          CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END AS closed,
          CASE WHEN c.status = 'closed' AND (
                 (c.answered_at {local})::date <= c.deadline
                 OR (c.answered_at IS NULL AND (c.closed_at {local})::date <= c.deadline))
               THEN 1 ELSE 0 END AS on_time,
          CASE WHEN c.satisfaction <> '' THEN 1 ELSE 0 END AS rated,
          CASE WHEN c.satisfaction IN ('satisfied', 'basically') THEN 1 ELSE 0 END AS satisfied,
          CASE WHEN c.verdict <> '' THEN 1 ELSE 0 END AS judged,
          CASE WHEN c.verdict IN ('substantiated', 'partly') THEN 1 ELSE 0 END AS substantiated,
          -- 逾期办理 of a closed case: answered after the deadline, or closed after it with
          -- no answer (both moments are past, so the deadline is before any later day).
          CASE WHEN c.status = 'closed' AND c.deadline IS NOT NULL AND (
                 (c.answered_at {local})::date > c.deadline
                 OR (c.answered_at IS NULL AND c.closed_at IS NULL)
                 OR (c.answered_at IS NULL AND (c.closed_at {local})::date > c.deadline))
               THEN 1 ELSE 0 END AS late_closed
          {_BREACHED if breaches else ""}
       ) f
  CROSS JOIN LATERAL (VALUES
      {rows}
  ) AS k({names})
  WHERE c.status <> 'merged'
$$;

CREATE OR REPLACE FUNCTION zf_complaint_figures_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO {TABLE} ({columns})
      SELECT * FROM zf_complaint_figure_rows(OLD, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO {TABLE} ({columns})
      SELECT * FROM zf_complaint_figure_rows(NEW, 1);
  END IF;
  RETURN NULL;
END
$$;

{GRAMS_SQL}
-- PL/pgSQL, and costly on purpose: never inlined, so the planner weighs computing it for a
-- row (a regular expression over the whole text) against the index that holds it, and
-- checks the cheap LIKE first (a frequent word: the newest cases, read backwards by date).
CREATE OR REPLACE FUNCTION zf_complaint_grams(number text, title text, content text,
                                              person text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 10000 AS $$
BEGIN
  RETURN zf_grams(coalesce(number, '') || E'\\n' || coalesce(title, '') || E'\\n'
                  || coalesce(content, '') || E'\\n' || coalesce(person, ''));
END
$$;

"""  # noqa: S608 (constants and a checked time zone name)


def _trigger_sql(breaches: bool = True) -> str:
    watched = WATCHED if breaches else tuple(c for c in WATCHED if c != "commitment_id")
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
    return f"""
DROP TRIGGER IF EXISTS zf_complaint_figures_write ON complaints_complaint;
CREATE TRIGGER zf_complaint_figures_write AFTER INSERT OR DELETE ON complaints_complaint
  FOR EACH ROW EXECUTE FUNCTION zf_complaint_figures_trigger();
DROP TRIGGER IF EXISTS zf_complaint_figures_change ON complaints_complaint;
CREATE TRIGGER zf_complaint_figures_change AFTER UPDATE ON complaints_complaint
  FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION zf_complaint_figures_trigger();
"""


# (A GIN index builds far quicker with room to sort its entries in memory.)
SEARCH_INDEX_SQL = """
SET LOCAL maintenance_work_mem = '512MB';
CREATE INDEX IF NOT EXISTS complaint_search_grams ON complaints_complaint
  USING gin (zf_complaint_grams(number, title, content, subject_person))
"""
# The 督办 board's search: the same pairs, of open cases only (the board lists nothing
# else). A function of its own name so that the board's condition can only be read from
# this small index: under the same expression the planner took the whole table's index
# (a frequent word: 140 000 cases of two million) and read ten times the rows.
OPEN_SEARCH_SQL = """
CREATE OR REPLACE FUNCTION zf_open_complaint_grams(number text, title text, content text,
                                                   person text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 10000 AS $$
BEGIN
  RETURN zf_complaint_grams(number, title, content, person);
END
$$;
CREATE INDEX IF NOT EXISTS complaint_open_search_grams ON complaints_complaint
  USING gin (zf_open_complaint_grams(number, title, content, subject_person))
  WHERE status IN ('accepted', 'answered', 'assigned', 'registered', 'reroute_requested',
                   'return_visit', 'sent_back')
"""
OPEN_SEARCH_DROP_SQL = """
DROP INDEX IF EXISTS complaint_open_search_grams;
DROP FUNCTION IF EXISTS zf_open_complaint_grams(text, text, text, text);
"""
# The live part of the figures and the open lists: open cases by deadline.
OPEN_DEADLINE_INDEX_SQL = """
CREATE INDEX IF NOT EXISTS complaint_open_deadline ON complaints_complaint (deadline)
  WHERE status IN ('accepted', 'answered', 'assigned', 'registered', 'reroute_requested',
                   'return_visit', 'sent_back')
"""


def enabled(using: object = None) -> bool:
    return (using or connection).vendor == "postgresql"  # type: ignore[attr-defined]


def install(conn: object = None, *, breaches: bool = True, scoped: bool = True) -> None:
    """Create (or replace) the functions, triggers and indexes, and fill the roll-up.

    `breaches=False, scoped=False` only for migration 0013, which runs before the columns
    违诺 and the scoped rows read."""
    conn = conn or connection
    if not enabled(conn):
        return
    with conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(_function_sql(settings.TIME_ZONE, breaches, scoped))
        cursor.execute(_trigger_sql(breaches))
        cursor.execute(SEARCH_INDEX_SQL)
        cursor.execute(OPEN_DEADLINE_INDEX_SQL)
    rebuild(conn, breaches=breaches, scoped=scoped)


def replace_functions(conn: object = None, *, scoped: bool = True) -> None:
    """Replace the roll-up's functions and triggers (a column added), keeping its rows.

    `scoped=False` only for migration 0015, which runs before the scoped rows' columns."""
    conn = conn or connection
    if not enabled(conn):
        return
    with conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(_function_sql(settings.TIME_ZONE, scoped=scoped))
        cursor.execute(_trigger_sql())


def uninstall(conn: object = None) -> None:
    conn = conn or connection
    if not enabled(conn):
        return
    with conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "DROP TRIGGER IF EXISTS zf_complaint_figures_write ON complaints_complaint;"
            "DROP TRIGGER IF EXISTS zf_complaint_figures_change ON complaints_complaint;"
            f"{OPEN_SEARCH_DROP_SQL}"
            "DROP INDEX IF EXISTS complaint_search_grams;"
            "DROP INDEX IF EXISTS complaint_open_deadline;"
            "DROP FUNCTION IF EXISTS zf_complaint_figures_trigger();"
            "DROP FUNCTION IF EXISTS zf_complaint_figure_rows(complaints_complaint, integer);"
            "DROP FUNCTION IF EXISTS zf_complaint_grams(text, text, text, text);"
            # zf_grams and zf_query_grams stay: the items' search index uses them too.
        )


@contextmanager
def bulk_load(conn: object = None) -> Iterator[None]:
    """Around a bulk load of complaints (bench/generate.py's COPY): the roll-up's triggers
    off and the search index dropped while it writes, both built once afterwards (far
    quicker than row by row). Inside the loader's transaction (ALTER TABLE locks the
    table until it commits)."""
    conn = conn or connection
    if not enabled(conn):
        yield
        return
    with conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED;"
            "ALTER TABLE complaints_complaint DISABLE TRIGGER zf_complaint_figures_write;"
            "DROP INDEX IF EXISTS complaint_search_grams;"
            "DROP INDEX IF EXISTS complaint_open_search_grams;"
        )
    yield
    with conn.cursor() as cursor:  # type: ignore[attr-defined]
        # The loaded rows' deferred foreign-key checks, now rather than at commit: a table
        # with checks pending may not be altered or indexed.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("ALTER TABLE complaints_complaint ENABLE TRIGGER zf_complaint_figures_write")
        cursor.execute(SEARCH_INDEX_SQL)
        cursor.execute(OPEN_SEARCH_SQL)
    rebuild(conn)


def _summed(
    source: str, counts: tuple[str, ...] = COUNTS, scope_keys: tuple[str, ...] = SCOPE_KEYS
) -> str:
    sums = ", ".join(f"sum({c})" for c in counts)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c in counts)
    keys = ", ".join(KEYS + scope_keys)
    # Written in the order the pages read them (a kind, then a handling unit's rows
    # together): a subtree's rows sit on few pages of a table larger than the cache.
    order = ", ".join(("kind", *scope_keys))
    return (
        f"INSERT INTO {TABLE} ({keys}, {', '.join(counts)}) "  # noqa: S608 (constants)
        f"SELECT {keys}, {sums} FROM {source} GROUP BY {keys} HAVING {nonzero} ORDER BY {order}"
    )


def unit_keys_in_order(parts: list[Any]) -> list[Any]:
    """The units (keys) of the roll-up rows `parts` (querysets of the unit and total
    columns) whose total is not 0, in the figures' order: the unit's path, a key no unit
    has and then NULL last (figures_live's ORDER BY). Summed first, then joined to the
    units: ten thousand groups sorted in memory, never the rows."""
    sqls, params = [], []
    for part in parts:
        try:
            sql, part_params = part.query.sql_with_params()
        except EmptyResultSet:  # a part no row can match (a scope without that half)
            continue
        sqls.append(f"({sql})")
        params.extend(part_params)
    if not sqls:
        return []
    union = " UNION ALL ".join(sqls)
    units = Unit._meta.db_table
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(
            f"SELECT s.unit_id FROM (SELECT r.unit_id, sum(r.total) AS total "  # noqa: S608 (built by the ORM)
            f"FROM ({union}) AS r(unit_id, total) GROUP BY r.unit_id) AS s "
            f"LEFT JOIN {units} AS u ON u.id = s.unit_id WHERE s.total > 0 "
            'ORDER BY u.path COLLATE "C", s.unit_id',
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def rebuild(conn: object = None, *, breaches: bool = True, scoped: bool = True) -> None:
    """Count the whole table again (after a bulk load with triggers off, or a new TIME_ZONE)."""
    conn = conn or connection
    if not enabled(conn):
        return
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:  # type: ignore[attr-defined]
        # No complaint changes while it is counted (reads go on).
        cursor.execute("LOCK TABLE complaints_complaint IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(
            _summed(
                "(SELECT r.* FROM complaints_complaint c, "
                "LATERAL zf_complaint_figure_rows(c, 1) r) AS rows",
                COUNTS if breaches else COUNTS_BEFORE_BREACHES,
                SCOPE_KEYS if scoped else (),
            )
        )


def fill_scoped(conn: object = None) -> None:
    """Add the scoped kinds' rows (migration 0017), the rest of the roll-up kept: one
    INSERT … SELECT … GROUP BY over the complaints."""
    conn = conn or connection
    if not enabled(conn):
        return
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("LOCK TABLE complaints_complaint IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE} WHERE left(kind, 2) = '{SCOPED}'")  # noqa: S608
        scoped_rows = (
            "(SELECT r.* FROM complaints_complaint c, LATERAL zf_complaint_figure_rows(c, 1) r "  # noqa: S608 (constants)
            f"WHERE left(r.kind, 2) = '{SCOPED}') AS rows"
        )
        cursor.execute(_summed(scoped_rows))


def compact(conn: object = None) -> int:
    """Sum the appended rows per key; returns how many rows there were."""
    conn = conn or connection
    if not enabled(conn):
        return 0
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:  # type: ignore[attr-defined]
        # Rows appended while this runs are not in its snapshot: they stay as they are.
        cursor.execute(
            f"WITH gone AS (DELETE FROM {TABLE} RETURNING *) "  # noqa: S608
            + _summed("gone")
        )
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
        return int(cursor.fetchone()[0])
