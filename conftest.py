"""Project-wide pytest configuration.

Tests that touch the database (they use a Django database fixture or the ``django_db`` marker)
are marked ``database`` so ``make test`` can run them a second time against PostgreSQL.
"""

from __future__ import annotations

import pytest

_DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The distributed test starts a whole deployment: only `make test-distributed` (-m
    # distributed) runs it.
    expression = config.option.markexpr or ""
    run_distributed = "distributed" in expression and "not distributed" not in expression
    skip_distributed = pytest.mark.skip(reason="run by make test-distributed")
    for item in items:
        if item.get_closest_marker("distributed") and not run_distributed:
            item.add_marker(skip_distributed)
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & _DB_FIXTURES:
            item.add_marker(pytest.mark.database)
