"""The settings refuse bad configuration at start-up and mount components by setting."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# A key of the shape `python -c 'import secrets; print(secrets.token_urlsafe(50))'` prints.
GOOD_KEY = "r4nd0m-Kq3vX9zL2pW8tB6nY1mC5hJ7sD0fG-aE4uI2oR8kT3yV6"


def _run(code: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OCS_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "openocs.server.settings",
        "OCS_DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _run("import django; django.setup()", {"OCS_ENV": "production"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key(tmp_path: Path) -> None:
    result = _run(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        {"OCS_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "ocs.example.org"},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_refuses_an_unknown_component(tmp_path: Path) -> None:
    result = _run("import django; django.setup()", {"OCS_COMPONENTS": "portal,telescope"}, tmp_path)
    assert result.returncode != 0
    assert "OCS_COMPONENTS" in result.stderr


_PROBE = """
import django, json
django.setup()
from django.test import Client
c = Client()
print(json.dumps({p: c.get(p).status_code for p in %r}))
"""


def test_a_single_component_is_served_at_the_root(tmp_path: Path) -> None:
    paths = ["/health/", "/openapi/", "/configdb/health/", "/downtime/health/"]
    result = _run(_PROBE % (paths,), {"OCS_COMPONENTS": "configdb"}, tmp_path)
    assert result.returncode == 0, result.stderr
    codes = json.loads(result.stdout.strip().splitlines()[-1])
    assert codes == {
        "/health/": 200,
        "/openapi/": 200,
        "/configdb/health/": 404,
        "/downtime/health/": 404,
    }


@pytest.mark.django_db
def test_embedded_shape_mounts_each_component_under_its_prefix(client: object) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    for path in ["/configdb/openapi/", "/downtime/openapi", "/openapi/", "/api/schema/"]:
        response = client.get(path)
        assert response.status_code == 200, path


@pytest.mark.django_db
def test_component_roots_answer_without_their_slash(client: object) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    assert client.get("/downtime").status_code == client.get("/downtime/").status_code == 200
    assert client.get("/downtimeapi/").status_code == 404


def test_a_component_without_the_portal_signs_staff_in_with_djangos_backend(
    tmp_path: Path,
) -> None:
    """The archive alone has no portal apps: signing in to its admin must not need them."""
    code = """
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
from django.test import Client
User.objects.create_superuser("staff", password="a long pass phrase 1")
c = Client()
answer = c.post("/admin/login/", {"username": "staff", "password": "a long pass phrase 1"})
print(json.dumps({"login": answer.status_code, "admin": c.get("/admin/").status_code}))
"""
    result = _run(code, {"OCS_COMPONENTS": "archive"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"login": 302, "admin": 200}
