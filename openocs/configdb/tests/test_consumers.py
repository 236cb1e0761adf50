"""What consumers see: the typed client parses our document, and docs/configdb.md's examples
match the demo network."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rest_framework.test import APIClient

from openocs.clients import configdb as client_models
from openocs.configdb import demo
from openocs.configdb.cli import configdb_group

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "configdb.md"


@pytest.fixture
def demo_network(db: Any) -> None:
    demo.load_demo()


def test_the_typed_client_parses_every_site_of_the_demo_document(
    anonymous: APIClient, demo_network: None
) -> None:
    body = anonymous.get("/configdb/sites/").json()
    sites = [client_models.Site.model_validate(row) for row in body["results"]]
    assert [site.code for site in sites] == ["coj", "cpt", "elp", "lsc", "ngq", "ogg", "tfn"]
    network = client_models.Network(sites)
    assert "coj.doma.1m0a" in network.telescope_keys()


def test_the_documented_first_instrument_string(anonymous: APIClient, demo_network: None) -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = re.search(r"instrument_set\[0\]\.__str__'\n\"([^\"]+)\"", text)
    assert documented is not None
    body = anonymous.get("/configdb/sites/").json()
    first = body["results"][0]["enclosure_set"][0]["telescope_set"][0]["instrument_set"][0]
    assert first["__str__"] == documented.group(1)


def test_the_documented_import_message(demo_network: None) -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = re.search(r"^(Imported .*)$", text, re.MULTILINE)
    assert documented is not None
    result = CliRunner().invoke(configdb_group, ["import", str(demo.DEMO_NETWORK)])
    assert result.output.strip() == documented.group(1)
    assert demo.load_demo().removesuffix(" (unchanged)") in text
