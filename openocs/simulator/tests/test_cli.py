"""``ocs site simulate`` and ``ocs site demo-request``: command-line checks (no server)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from openocs.simulator.cli import site_group

CLOSED = "http://127.0.0.1:9/"  # nothing listens on the discard port


def _run(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(site_group, list(arguments), env={"OCS_SITE_TOKEN": ""})
    return result.exit_code, result.output


def test_simulate_refuses_to_start_without_a_token() -> None:
    code, output = _run("simulate", "--portal-url", CLOSED)
    assert code == 2
    assert "OCS_SITE_TOKEN" in output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--failure-probability", "1.5", "must be between 0 and 1"),
        ("--cloudy-night-probability", "-1", "must be between 0 and 1"),
        ("--cloudy-site", "coj", "expected SITE=PROBABILITY"),
        ("--cloudy-site", "coj=2", "expected SITE=PROBABILITY in [0, 1]"),
    ],
)
def test_simulate_names_the_bad_option(option: str, value: str, message: str) -> None:
    code, output = _run("simulate", "--token", "t", option, value)
    assert code == 2
    assert option in output and message in output


def test_simulate_exits_3_when_configdb_cannot_be_read() -> None:
    code, output = _run("simulate", "--token", "t", "--portal-url", CLOSED, "--retry-deadline", "0")
    assert code == 3
    assert "configdb could not be read" in output


def test_demo_request_exits_3_when_configdb_cannot_be_read() -> None:
    code, output = _run("demo-request", "--portal-url", CLOSED)
    assert code == 3
    assert "configdb could not be read" in output
