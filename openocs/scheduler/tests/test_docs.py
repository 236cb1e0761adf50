"""The Python examples of docs/scheduler.md run."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).parents[3] / "docs" / "scheduler.md"


def test_python_examples_in_the_scheduler_doc_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})  # noqa: S102 - our own documentation
    assert "NOT_VISIBLE" in capsys.readouterr().out
