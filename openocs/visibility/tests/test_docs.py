"""Every python block of ``docs/visibility.md`` runs (the docs are executed by the tests)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[3] / "docs" / "visibility.md"


def test_the_worked_example_of_the_docs_page_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    output = capsys.readouterr().out
    assert "dark:" in output and "both:" in output
    plotted = (tmp_path / "airmass.png").exists()
    assert plotted or "time (UTC)   M83     eta Car" in output
