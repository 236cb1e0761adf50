"""Releases: one version, a changelog section per release, ``make release``'s checks."""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import date
from pathlib import Path

import pytest

import openocs

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("release", ROOT / "tools" / "release.py")
assert _spec is not None and _spec.loader is not None
release = importlib.util.module_from_spec(_spec)
sys.modules["release"] = release
_spec.loader.exec_module(release)

TODAY = date(2026, 12, 7)
READY = """# Changelog

## [Unreleased]

## [0.2.0] - 2026-12-07

### Added
- A thing.

## [0.1.0] - 2026-06-01

### Added
- The first thing.
"""


def test_a_ready_changelog_passes() -> None:
    section = release.check_changelog(READY, "0.2.0", today=TODAY)
    assert section.date == "2026-12-07"
    assert "A thing." in section.body


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (READY.replace("## [Unreleased]\n", "## [Unreleased]\n- forgotten\n"), "still has"),
        (READY.replace("## [0.2.0] - 2026-12-07", "## [0.2.0]"), "needs its date"),
        (READY.replace("2026-12-07", "2027-01-01"), "future"),
        (READY.replace("0.2.0", "0.1.9"), "must be '## [0.2.0]"),
        (READY.replace("### Added\n- A thing.", "Nothing."), "no '### "),
        (READY.replace("## [Unreleased]\n\n", ""), "must start with"),
    ],
)
def test_an_unready_changelog_is_refused_with_the_fix(text: str, message: str) -> None:
    with pytest.raises(release.ReleaseError, match=re.escape(message)):
        release.check_changelog(text, "0.2.0", today=TODAY)


def test_one_version_everywhere() -> None:
    version = release.package_version()
    assert openocs.__version__ == version  # the installed metadata
    assert release.chart_app_version() == version


def test_the_changelog_keeps_its_sections_in_order() -> None:
    sections = release.changelog_sections((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert sections[0].name == "Unreleased"
    for section in sections[1:]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", section.name), section.name
        assert section.date is not None, section.name


@pytest.mark.django_db
def test_health_and_the_schema_report_the_package_version() -> None:
    from django.test import Client

    client = Client()
    assert client.get("/health/").json()["version"] == openocs.__version__
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["info"]["version"] == openocs.__version__
