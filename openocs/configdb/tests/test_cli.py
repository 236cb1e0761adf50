"""ocs configdb export / import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from openocs.configdb import demo
from openocs.configdb import models as m
from openocs.configdb.cli import configdb_group

from .conftest import Network

pytestmark = pytest.mark.django_db


def test_help_has_examples() -> None:
    runner = CliRunner()
    for args in (["--help"], ["export", "--help"], ["import", "--help"]):
        result = runner.invoke(configdb_group, args)
        assert result.exit_code == 0
        assert "Example" in result.output


def test_export_to_stdout_and_file(network: Network, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(configdb_group, ["export"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sites"][0]["code"] == "tst"
    target = tmp_path / "network.json"
    result = runner.invoke(configdb_group, ["export", str(target)])
    assert result.exit_code == 0
    assert json.loads(target.read_text())["format"] == "openocs-configdb"


def test_import_the_demo_file_twice(db: Any) -> None:
    runner = CliRunner()
    first = runner.invoke(configdb_group, ["import", str(demo.DEMO_NETWORK)])
    assert first.exit_code == 0, first.output
    assert "6 sites, 26 telescopes, 33 instruments" in first.output
    second = runner.invoke(configdb_group, ["import", str(demo.DEMO_NETWORK)])
    assert "(0 changes)" in second.output


def test_a_bad_file_exits_1_naming_the_path(tmp_path: Path, db: Any) -> None:
    document = json.loads(demo.DEMO_NETWORK.read_text())
    document["sites"][0]["enclosures"][0]["telescopes"][1]["horizon_deg"] = "low"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    result = CliRunner().invoke(configdb_group, ["import", str(bad)])
    assert result.exit_code == 1
    assert "sites[0].enclosures[0].telescopes[1].horizon_deg" in result.output
    assert "Nothing imported" in result.output
    assert not m.Site.objects.exists()


def test_export_refuses_ambiguous_camera_codes(network: Network) -> None:
    m.Camera.objects.create(code="xx01", camera_type=network.guider_type)
    result = CliRunner().invoke(configdb_group, ["export"])
    assert result.exit_code == 1
    assert "Two cameras share the key 'xx01'" in result.output
