"""Settings for the test suite: the development settings with fast, isolated defaults.

``OCS_TEST_DATABASE_URL`` points the database-dependent tests at a real server (PostgreSQL);
without it they run on SQLite. On a server, each run creates its test databases under a name of
its own (``test_<name>_<run id>``, plus pytest-xdist's worker suffix) and drops them at the end,
so two runs against one server never collide. Tasks run immediately in-process; e-mail goes to
memory.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

os.environ.setdefault("OCS_TASKS_IMMEDIATE", "true")
_base = os.environ.setdefault("OCS_DATA_DIR", tempfile.mkdtemp(prefix="openocs-test-"))
# pytest-xdist workers inherit the controller's environment: give each its own folder so their
# files (uploads, media, caches) never mix.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and not _base.rstrip("/").endswith(_worker):
    os.environ["OCS_DATA_DIR"] = os.path.join(_base, _worker)
    os.makedirs(os.environ["OCS_DATA_DIR"], exist_ok=True)

from openocs.server.settings import *  # noqa: E402, F403
from openocs.server.settings import DATA_DIR, HUEY  # noqa: E402

_TEST_DATABASE_URL = os.environ.get("OCS_TEST_DATABASE_URL", "")
if _TEST_DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(_TEST_DATABASE_URL)}
    # One id per run, shared by the xdist workers (they inherit the controller's environment).
    _run_id = os.environ.setdefault("OCS_TEST_RUN_ID", secrets.token_hex(4))
    # PostgreSQL names are at most 63 bytes; xdist appends "_gwN".
    _test_name = f"test_{DATABASES['default']['NAME']}"[:48]
    DATABASES["default"]["TEST"] = {"NAME": f"{_test_name}_{_run_id}"}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# Failed-login throttling stays out of the way of other tests (they share one local-memory
# cache and one client address); its own tests lower these limits.
OCS_LOGIN_FAILURES_PER_ACCOUNT = 100_000
OCS_LOGIN_FAILURES_PER_ADDRESS = 100_000
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HUEY = {**HUEY, "huey_class": "huey.MemoryHuey", "immediate": True}
HUEY.pop("filename", None)
HUEY.pop("url", None)
MEDIA_ROOT = Path(DATA_DIR) / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are not collected for tests; WhiteNoise would warn about the missing folder.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
