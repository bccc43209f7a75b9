"""The database side of the rectification figures (PostgreSQL only).

`campaign_rectificationfigure` (models.RectificationFigure) holds, per campaign and unit, the
item counts of docs/FIGURES.md that do not depend on the day. A row trigger appends each
item's contribution when it is inserted, deleted or changed in a column the figures read
(the old row −1, the new row +1: append-only, so that a ledger import and a unit's
transitions never wait on a shared counter row); `compact()` sums the appended rows per
key. Every write reaches it, whoever makes it (services, admin, import, a bulk `UPDATE`). A
bulk load may switch the trigger off (`bulk_load`) and counts everything once afterwards.

The definitions are the selectors' (campaign.selectors `item_*_q`): a draft is not counted;
`closed_at__date` as Django computes it in the project's time zone (`AT TIME ZONE`).
Changing TIME_ZONE means `rebuild()`. What changes with the day (逾期未销号, and the open
part of 整改逾期) is counted live from the open items past their deadline, through the
partial index `item_open_campaign_deadline` (migration campaign 0017).

SQLite (`make run`) has none of this: the figures are counted live.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

TABLE = "campaign_rectificationfigure"
KEYS = ("campaign_id", "unit_id")
COUNTS = ("items", "closed", "closed_on_time", "closed_late", "long_term")
# The columns the figures read: an update touching none of them adds nothing.
WATCHED = ("campaign_id", "unit_id", "status", "deadline", "long_term", "closed_at")


def _function_sql(tz: str) -> str:
    if not tz.replace("/", "").replace("_", "").replace("-", "").replace("+", "").isalnum():
        raise ValueError(f"unexpected time zone name {tz!r}")
    closed_day = f"(i.closed_at AT TIME ZONE '{tz}')::date"
    return f"""
DROP FUNCTION IF EXISTS zf_item_figure_row(campaign_rectificationitem, integer);
CREATE FUNCTION zf_item_figure_row(i campaign_rectificationitem, sign integer)
RETURNS TABLE(campaign_id bigint, unit_id bigint, items integer, closed integer,
              closed_on_time integer, closed_late integer, long_term integer)
LANGUAGE sql STABLE AS $$
  SELECT i.campaign_id::bigint, i.unit_id::bigint, sign,
         -- 已销号
         sign * (CASE WHEN i.status = 'closed' THEN 1 ELSE 0 END),
         -- 按期销号: long-term, or closed on or before the deadline
         sign * (CASE WHEN i.status = 'closed'
                       AND (i.long_term OR {closed_day} <= i.deadline) THEN 1 ELSE 0 END),
         -- 整改逾期 of a closed item: closed after its deadline (both in the past, so the
         -- deadline is before any later day)
         sign * (CASE WHEN i.status = 'closed' AND NOT i.long_term
                       AND {closed_day} > i.deadline THEN 1 ELSE 0 END),
         -- 长期坚持: open long-term items
         sign * (CASE WHEN i.status <> 'closed' AND i.long_term THEN 1 ELSE 0 END)
  WHERE i.status <> 'draft'
$$;

CREATE OR REPLACE FUNCTION zf_item_figures_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO {TABLE} ({", ".join(KEYS + COUNTS)})
      SELECT * FROM zf_item_figure_row(OLD, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO {TABLE} ({", ".join(KEYS + COUNTS)})
      SELECT * FROM zf_item_figure_row(NEW, 1);
  END IF;
  RETURN NULL;
END
$$;
"""  # noqa: S608 (constants and a checked time zone name)


def _trigger_sql() -> str:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    return f"""
DROP TRIGGER IF EXISTS zf_item_figures_write ON campaign_rectificationitem;
CREATE TRIGGER zf_item_figures_write AFTER INSERT OR DELETE ON campaign_rectificationitem
  FOR EACH ROW EXECUTE FUNCTION zf_item_figures_trigger();
DROP TRIGGER IF EXISTS zf_item_figures_change ON campaign_rectificationitem;
CREATE TRIGGER zf_item_figures_change AFTER UPDATE ON campaign_rectificationitem
  FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION zf_item_figures_trigger();
"""


def enabled(using: object = None) -> bool:
    return (using or connection).vendor == "postgresql"  # type: ignore[attr-defined]


def install(conn: object = None) -> None:
    """Create (or replace) the functions and triggers, and count every item once."""
    conn = conn or connection
    if not enabled(conn):
        return
    with conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(_function_sql(settings.TIME_ZONE))
        cursor.execute(_trigger_sql())
    rebuild(conn)


def uninstall(conn: object = None) -> None:
    conn = conn or connection
    if not enabled(conn):
        return
    with conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "DROP TRIGGER IF EXISTS zf_item_figures_write ON campaign_rectificationitem;"
            "DROP TRIGGER IF EXISTS zf_item_figures_change ON campaign_rectificationitem;"
            "DROP FUNCTION IF EXISTS zf_item_figures_trigger();"
            "DROP FUNCTION IF EXISTS zf_item_figure_row(campaign_rectificationitem, integer);"
        )


@contextmanager
def bulk_load(conn: object = None) -> Iterator[None]:
    """Around a bulk load of items (bench/generate.py): the trigger off while it writes,
    everything counted once afterwards. Inside the loader's transaction."""
    conn = conn or connection
    if not enabled(conn):
        yield
        return
    with conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "ALTER TABLE campaign_rectificationitem DISABLE TRIGGER zf_item_figures_write"
        )
    yield
    with conn.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "ALTER TABLE campaign_rectificationitem ENABLE TRIGGER zf_item_figures_write"
        )
    rebuild(conn)


def _summed(source: str) -> str:
    sums = ", ".join(f"sum({c})" for c in COUNTS)
    nonzero = " OR ".join(f"sum({c}) <> 0" for c in COUNTS)
    keys = ", ".join(KEYS)
    return (
        f"INSERT INTO {TABLE} ({keys}, {', '.join(COUNTS)}) "  # noqa: S608 (constants)
        f"SELECT {keys}, {sums} FROM {source} GROUP BY {keys} HAVING {nonzero}"
    )


def rebuild(conn: object = None) -> None:
    """Count every item again, in one INSERT … SELECT … GROUP BY (a bulk load with the
    trigger off, a new TIME_ZONE)."""
    conn = conn or connection
    if not enabled(conn):
        return
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:  # type: ignore[attr-defined]
        # No item changes while it is counted (reads go on).
        cursor.execute("LOCK TABLE campaign_rectificationitem IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(
            _summed(
                "(SELECT r.* FROM campaign_rectificationitem i, "
                "LATERAL zf_item_figure_row(i, 1) r) AS rows"
            )
        )


def compact(conn: object = None) -> int:
    """Sum the appended rows per key; returns how many rows there are then."""
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
