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
    # The distributed test starts a whole deployment, the image test containers: only
    # `make test-distributed` (-m distributed) and `make test-image` (-m image) run them.
    expression = config.option.markexpr or ""
    only_when_selected = {
        marker: pytest.mark.skip(reason=f"run by make test-{marker}")
        for marker in ("distributed", "image")
        if marker not in expression or f"not {marker}" in expression
    }
    for item in items:
        for marker, skip in only_when_selected.items():
            if item.get_closest_marker(marker):
                item.add_marker(skip)
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & _DB_FIXTURES:
            item.add_marker(pytest.mark.database)
