"""docs/tutorials/first-observation.md runs as written: ``ocs up`` (what ``make run`` starts,
with the simulated sites) in the background, then every ``bash`` block of the tutorial in one
shell, in order, with the tutorial's address replaced by the test server's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.observatory import REPOSITORY, Observatory, running, wait_for

pytestmark = pytest.mark.slow

TUTORIAL = REPOSITORY / "docs" / "tutorials" / "first-observation.md"


@pytest.fixture(scope="module")
def observatory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observatory]:
    yield from running(tmp_path_factory.mktemp("tutorial"))


def _script() -> str:
    blocks = re.findall(r"```bash\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 5
    return "set -euo pipefail\n" + "\n".join(blocks)


def test_the_first_observation_tutorial_runs_as_written(
    observatory: Observatory, tmp_path: Path
) -> None:
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    script = _script().replace("http://127.0.0.1:8000", observatory.url.rstrip("/"))
    path = f"{Path(sys.prefix) / 'bin'}:{os.environ['PATH']}"
    environment = {**observatory.environment, "PATH": path}

    result = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
    )

    if "no site of the network is dark now" in result.stderr:
        pytest.fail("no site of the demo network is dark now (Ali should always be)")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"request group \d+: COMPLETED", result.stdout), result.stdout[-3000:]
    request_id = re.search(r"request group \d+, request (\d+)", result.stdout)
    assert request_id is not None
    assert f"REQNUM {request_id.group(1)} OBJECT zenith-field FILTER rp" in result.stdout
    assert (tmp_path / "first-light.fits.fz").read_bytes()[:6] == b"SIMPLE"

    def announced() -> bool:  # the task worker sends it after the completion
        mails = [path.read_text(encoding="utf-8") for path in observatory.outbox.glob("*")]
        return any("Subject: Request first-light has completed" in mail for mail in mails)

    wait_for(announced, timeout_s=30.0, what="the completion e-mail")
