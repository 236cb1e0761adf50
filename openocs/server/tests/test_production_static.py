"""Under production settings, collected static files are served by WhiteNoise (issue 18).

The admin and the browsable API are unstyled when ``/static/`` answers 404, so this runs the
real production settings in a subprocess: collectstatic into a temporary folder, then a request.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

_SERVE = """
import django
django.setup()
from django.test import Client
client = Client()
for path in ("/static/admin/css/base.css", "/static/rest_framework/css/bootstrap.min.css"):
    response = client.get(path, secure=True, HTTP_ACCEPT_ENCODING="gzip")
    body = b"".join(response.streaming_content)
    print(path, response.status_code, response.get("Content-Encoding", ""), len(body))
"""


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OCS_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "openocs.server.settings",
        "OCS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "OCS_DATA_DIR": str(tmp_path / "data"),
        "OCS_STATIC_ROOT": str(tmp_path / "static"),
    }


def test_production_serves_collected_static_files_through_whitenoise(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    collect = subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()  # hashed names: browsers may cache the files forever

    served = subprocess.run(
        [sys.executable, "-c", _SERVE], env=env, capture_output=True, text=True, timeout=120
    )
    assert served.returncode == 0, served.stderr
    lines = [line.split() for line in served.stdout.strip().splitlines()]
    for path, status, encoding, size in lines:
        assert status == "200", path
        assert encoding == "gzip", path  # WhiteNoise serves the compressed copy
        assert int(size) > 0, path
