"""Many rows into one table at once: PostgreSQL COPY, bulk_create elsewhere.

A ledger import files twenty thousand items with their history rows and transition records:
COPY moves them in a few statements at the speed of the server, where INSERT … VALUES
spends its time building and parsing statements. The caller gives plain values per column
(what the database stores: ids, not objects); `reserve_ids` hands out primary keys first so
that rows of other tables can point at rows not written yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router


def uses_copy(model: type[models.Model]) -> bool:
    return connections[router.db_for_write(model)].vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys of `model` from its sequence (PostgreSQL, one query)."""
    if count <= 0:
        return []
    connection = connections[router.db_for_write(model)]
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    table: str = "",
) -> int:
    """COPY `rows` (values in `columns`' order, by column name) into the model's table.

    PostgreSQL only (see `uses_copy`); returns how many rows. The rows are written as CSV
    by the csv module (in C): None is an unquoted empty field, which COPY reads as NULL,
    and text columns that cannot be NULL read an empty field as "" (FORCE_NOT_NULL).
    Counted as one query by Django's query log, so tests asserting query counts see it.
    `table` names another table of the same columns (a scratch copy) to write to instead.
    """
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    by_column = {field.column: field for field in model._meta.concrete_fields}
    text = [
        quote(column)
        for column in columns
        if isinstance(by_column.get(column), models.CharField | models.TextField)
        and not by_column[column].null
    ]
    options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(text)})" if text else "")
    sql = (
        f"COPY {quote(table or model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"FROM STDIN WITH ({options})"
    )
    data = io.StringIO()
    writer = csv.writer(data, lineterminator="\n")
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    if not count:
        return 0
    data.seek(0)
    with connection.cursor() as cursor:
        debug = getattr(cursor, "debug_sql", None)
        if debug is not None:
            with debug(sql):
                cursor.cursor.copy_expert(sql, data)
        else:
            cursor.cursor.copy_expert(sql, data)
    return count
