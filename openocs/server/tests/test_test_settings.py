"""The test settings keep the SQLite pass on SQLite and give each PostgreSQL run its own names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

_PRINT_DATABASE = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default']))"
)


def _database_settings(**environment: str) -> dict[str, Any]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("OCS_TEST_DATABASE_URL", "OCS_TEST_RUN_ID")
    }
    env.update(DJANGO_SETTINGS_MODULE="openocs.server.test_settings", **environment)
    code = "import django; django.setup(); " + _PRINT_DATABASE
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_without_a_server_url_the_tests_use_sqlite_in_memory() -> None:
    database = _database_settings(OCS_TEST_DATABASE_URL="")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == ":memory:"


def test_each_postgres_run_names_its_test_database_after_its_run_id() -> None:
    url = "postgres://postgres@127.0.0.1:5432/ocs"
    first = _database_settings(OCS_TEST_DATABASE_URL=url)
    second = _database_settings(OCS_TEST_DATABASE_URL=url)
    given = _database_settings(OCS_TEST_DATABASE_URL=url, OCS_TEST_RUN_ID="abc123")
    names = [d["TEST"]["NAME"] for d in (first, second, given)]
    assert names[0] != names[1]
    assert all(str(name).startswith("test_ocs_") for name in names)
    assert names[2] == "test_ocs_abc123"
