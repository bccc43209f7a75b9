"""Drop and re-create the bench database named by DATABASE_URL (python -m bench.reset_db).

Refuses any database whose name does not say "bench", so that a stray DATABASE_URL can
never wipe the CI database, a developer's database or a test database.
"""

from __future__ import annotations

import os
import sys

import environ
import psycopg2
from psycopg2 import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zf_bench"


def main() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        print(f"The benchmarks need PostgreSQL; DATABASE_URL is {config['ENGINE']}.")
        return 2
    name = config["NAME"]
    if "bench" not in name or name.startswith("test_"):
        print(f"Refusing to drop {name!r}: the bench database's name must contain 'bench'.")
        return 2
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    print(f"Fresh database {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
