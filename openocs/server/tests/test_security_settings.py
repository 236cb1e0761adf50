"""Production refuses weak secrets; HTTPS, CORS and the deployment check behave as documented
in docs/security.md."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from openocs.server.security import secret_key_is_strong
from openocs.server.tests.test_settings import GOOD_KEY

PRODUCTION = {"OCS_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "ocs.example.org"}


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OCS_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "openocs.server.settings",
        "OCS_DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], env=full_env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-K3y",
        "x" * 60,
        "django-insecure-" + "k9#mP2$vL8@qR5!wN3&zT7*yB4^cF6%hJ1" * 2,
        "openocs-development-only-secret-key-not-for-production-use-0123456789",
    ],
)
def test_production_refuses_a_weak_secret_key_without_echoing_it(key: str, tmp_path: Path) -> None:
    result = _run(
        ["-c", "import django; django.setup()"], {**PRODUCTION, "SECRET_KEY": key}, tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert key not in result.stderr


def test_a_random_key_is_strong() -> None:
    assert secret_key_is_strong(GOOD_KEY)


def _deploy_check_ids(env: dict[str, str], tmp_path: Path) -> set[str]:
    result = _run(["-m", "django", "check", "--deploy"], env, tmp_path)
    output = result.stdout + result.stderr
    assert "ERROR" not in output, output
    # drf_spectacular's warnings (drf_spectacular.W001) count too: the schema is generated
    # warning-free under production settings, where a view whose model could not be read
    # would lose its path and filter types.
    return set(re.findall(r"\(([a-z_0-9]+\.[EW]\d+)\)", output))


def test_check_deploy_reports_only_the_warnings_docs_security_explains(tmp_path: Path) -> None:
    assert _deploy_check_ids(PRODUCTION, tmp_path) == {
        "security.W005",  # HSTS for sub-domains: OCS_HSTS_INCLUDE_SUBDOMAINS, the operator's call
        "security.W021",  # the browsers' HSTS preload list: OCS_HSTS_PRELOAD, the same
    }
    explained = (Path(__file__).parents[3] / "docs" / "security.md").read_text()
    for check in ["security.W005", "security.W021"]:
        assert check in explained


def test_hsts_for_subdomains_and_preload_silence_their_warnings(tmp_path: Path) -> None:
    env = {**PRODUCTION, "OCS_HSTS_INCLUDE_SUBDOMAINS": "true", "OCS_HSTS_PRELOAD": "true"}
    assert _deploy_check_ids(env, tmp_path) == set()


def test_production_redirects_to_https_and_sends_hsts_but_not_for_health(tmp_path: Path) -> None:
    probe = (
        "import django, json; django.setup(); from django.test import Client; c = Client();"
        "r = c.get('/api/', HTTP_HOST='ocs.example.org');"
        "s = c.get('/health/', HTTP_HOST='ocs.example.org', secure=True);"
        "h = c.get('/health/', HTTP_HOST='ocs.example.org');"
        "print(json.dumps([r.status_code, r.get('Location'), "
        "s.get('Strict-Transport-Security'), h.status_code]))"
    )
    result = _run(["-c", probe], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    redirect, location, hsts, health = json.loads(result.stdout.strip().splitlines()[-1])
    assert (redirect, location) == (301, "https://ocs.example.org/api/")
    assert hsts == "max-age=31536000"
    assert health in (200, 503)  # answered over plain HTTP, not redirected


@pytest.mark.django_db
def test_cors_reflects_no_origin_by_default(client: Client) -> None:
    response = client.get("/api/profile/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
@override_settings(CORS_ALLOWED_ORIGINS=["https://tom.example.org"])
def test_cors_allows_a_configured_origin_without_credentials(client: Client) -> None:
    allowed = client.get("/configdb/sites/", HTTP_ORIGIN="https://tom.example.org")
    other = client.get("/configdb/sites/", HTTP_ORIGIN="https://evil.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://tom.example.org"
    assert "Access-Control-Allow-Credentials" not in allowed
    assert "Access-Control-Allow-Origin" not in other


def test_cors_refuses_credentials_with_every_origin(tmp_path: Path) -> None:
    env = {"OCS_CORS_ALLOWED_ORIGINS": "*", "OCS_CORS_ALLOW_CREDENTIALS": "true"}
    result = _run(["-c", "import django; django.setup()"], env, tmp_path)
    assert result.returncode != 0
    assert "OCS_CORS_ALLOW_CREDENTIALS" in result.stderr
