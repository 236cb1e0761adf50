"""``ocs downtime create`` and ``ocs downtime list`` (downtime-api.md §5)."""

from __future__ import annotations

import pytest
import time_machine
from click.testing import CliRunner, Result

from openocs.downtime.models import Downtime
from openocs.downtime.tests.factories import make_downtime, utc
from openocs.server.cli import main

pytestmark = pytest.mark.django_db


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["downtime", *args])


def test_creates_a_downtime_from_absolute_times(configdb):
    result = run("create", "-s", "coj", "-e", "doma", "-t", "1m0a", "-r", "Mirror cleaning",
                 "--start", "2030-01-01 00:00:00", "--end", "2030-01-01T06:00:00+00:00",
                 "--category", "maintenance")  # fmt: skip
    assert result.exit_code == 0, result.output
    downtime = Downtime.objects.get()
    assert (downtime.start, downtime.end) == (utc(2030, 1, 1), utc(2030, 1, 1, 6))
    assert downtime.category is not None and downtime.category.code == "maintenance"
    assert f"Created downtime {downtime.pk}" in result.output


def test_creates_a_downtime_relative_to_now(configdb):
    with time_machine.travel(utc(2030, 5, 1, 12), tick=False):
        result = run("create", "-s", "ogg", "-e", "clma", "-t", "2m0a", "-i", "2M0-FLOYDS-SCICAM",
                     "--offset-hours", "1", "--duration-hours", "2.5")  # fmt: skip
    assert result.exit_code == 0, result.output
    downtime = Downtime.objects.get()
    assert (downtime.start, downtime.end) == (utc(2030, 5, 1, 13), utc(2030, 5, 1, 15, 30))


def test_refuses_what_the_api_refuses_with_exit_code_1(configdb):
    result = run("create", "-s", "nop", "-e", "doma", "-t", "1m0a",
                 "--start", "2030-01-01", "--end", "2030-01-02")  # fmt: skip
    assert result.exit_code == 1
    assert 'site: "nop" is not a valid choice.' in result.output
    assert not Downtime.objects.exists()


def test_configdb_down_is_exit_code_3(configdb_down):
    result = run("create", "-s", "coj", "-e", "doma", "-t", "1m0a",
                 "--start", "2030-01-01", "--end", "2030-01-02")  # fmt: skip
    assert result.exit_code == 3
    assert "ConfigDB connection is currently down" in result.output


@pytest.mark.parametrize(
    "times",
    [
        [],
        ["--start", "2030-01-01"],
        ["--start", "2030-01-01", "--end", "2030-01-02", "--offset-hours", "1"],
        ["--offset-hours", "1"],
    ],
)
def test_needs_exactly_one_way_of_giving_the_times(configdb, times):
    result = run("create", "-s", "coj", "-e", "doma", "-t", "1m0a", *times)
    assert result.exit_code == 2


def test_unknown_category_is_a_usage_error(configdb):
    result = run("create", "-s", "coj", "-e", "doma", "-t", "1m0a", "-c", "holiday",
                 "--start", "2030-01-01", "--end", "2030-01-02")  # fmt: skip
    assert result.exit_code == 2
    assert "unknown category" in result.output


def test_list_shows_current_downtimes(configdb):
    make_downtime(reason="old", start=utc(2020, 1, 1), end=utc(2020, 1, 2))
    current = make_downtime(reason="current", start=utc(2030, 1, 1), end=utc(2030, 1, 2))
    with time_machine.travel(utc(2029, 1, 1), tick=False):
        result = run("list")
    assert result.exit_code == 0
    assert "current" in result.output and "old" not in result.output
    assert str(current.pk) in result.output
    assert "old" in run("list", "--all").output


def test_start_and_end_parse_before_django_is_set_up(tmp_path):
    """``--start``/``--end`` are converted before ``setup_django()``: the parser may not need
    settings (it imported the filters module and crashed with a configuration error)."""
    import os
    import subprocess
    import sys

    code = (
        "from openocs.downtime.cli import UTC_DATETIME;"
        "print(UTC_DATETIME.convert('2030-01-01T06:00:00+02:00', None, None).isoformat())"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2030-01-01T04:00:00+00:00"
