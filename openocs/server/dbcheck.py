"""Exit 0 when the PostgreSQL server named by ``OCS_TEST_DATABASE_URL`` accepts connections.

``make test`` uses it to decide whether to run the database tests against PostgreSQL too.
"""

from __future__ import annotations

import os
import sys

import dj_database_url
import psycopg


def postgres_answers(url: str) -> bool:
    """True when ``url`` is a PostgreSQL URL whose server accepts a connection."""
    if not url.startswith(("postgres://", "postgresql://")):
        return False
    config = dj_database_url.parse(url)
    try:
        with psycopg.connect(
            host=config.get("HOST") or "127.0.0.1",
            port=int(config.get("PORT") or 5432),
            user=config.get("USER") or "postgres",
            password=config.get("PASSWORD") or None,
            dbname=config.get("NAME") or "postgres",
            connect_timeout=2,
        ):
            return True
    except psycopg.Error:
        return False


if __name__ == "__main__":
    sys.exit(0 if postgres_answers(os.environ.get("OCS_TEST_DATABASE_URL", "")) else 1)
