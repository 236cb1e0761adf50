"""Installs compile the bytecode (issue 17): uv writes no ``.pyc`` files by default and the
image's user cannot write them at run time, so without it every process compiles numpy, Django
and ours from source (0.2-0.3 s of CPU more for ``import openocs.visibility``)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["Dockerfile", "Makefile"])
def test_every_uv_install_compiles_bytecode(name: str) -> None:
    installs = [
        line
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
        if "uv pip install" in line and "uv==" not in line
    ]
    assert installs, f"no uv pip install in {name}"
    for line in installs:
        assert "--compile-bytecode" in line, line
