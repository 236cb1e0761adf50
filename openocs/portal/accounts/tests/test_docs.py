"""The Python example of docs/portal-accounts.md runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).parents[4] / "docs" / "portal-accounts.md"


@pytest.mark.django_db
def test_python_example_of_the_accounts_doc_runs(
    capsys: pytest.CaptureFixture[str], db: Any
) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})  # noqa: S102 - our own documentation
    assert capsys.readouterr().out.startswith("alice ['DEMO-001']")
