"""Every example in the docs is run by a test, checked as data, or says why it is not run.

A fenced block in ``docs/`` or the README is one of:

- code (``python``, ``bash``, ``console``, ``sh``) that a named test runs: ``RUN_BY`` maps a page
  and language to the test file that executes those blocks, or the line before the fence is
  ``<!-- run by: <test file> -->`` (one block; tests/docs/test_system_examples.py runs those
  that need the whole system), and this test checks that the file exists and reads that page;
- data (``json``, ``yaml``, ``csv``): it must parse, unless it is an excerpt (it holds ``…``);
- shown, not run (a diagram, a terminal's output, a template, a command that needs a production
  cluster): the line before the fence is ``<!-- not run: <why> -->``, or its language is one that
  is never code (``text``, ``django`` or none).

A new code block without a test or a reason fails here, so the docs cannot grow examples that rot.
The one command of a page that needs nothing running is executed below as well.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    path
    for path in [*ROOT.joinpath("docs").rglob("*.md"), ROOT / "README.md"]
    if "reference/api" not in path.as_posix()
)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
NOT_RUN = re.compile(r"<!--\s*not run:\s*\S.*?-->\s*$")
MARKED_RUN_BY = re.compile(r"<!--\s*run by:\s*(\S+)\s*-->\s*$")
CODE = {"python", "bash", "console", "sh"}
DATA = {"json", "yaml", "csv"}
SHOWN = {"", "text", "django"}

# (page, language) → the test that executes that page's blocks of that language
RUN_BY = {
    ("docs/clients.md", "python"): "openocs/downtime/tests/test_docs_examples.py",
    ("docs/configdb.md", "console"): "openocs/configdb/tests/test_consumers.py",
    ("docs/getting-started.md", "python"): "tests/docs/test_tutorials.py",
    ("docs/tutorials/adopting-openocs.md", "python"): "tests/docs/test_tutorials.py",
    ("docs/tutorials/tom-toolkit-and-scripts.md", "python"): "tests/docs/test_tutorials.py",
    ("docs/tutorials/first-observation.md", "bash"): (
        "tests/integration/test_tutorial_first_observation.py"
    ),
    ("docs/portal-accounts.md", "python"): "openocs/portal/accounts/tests/test_docs.py",
    ("docs/portal-notifications.md", "python"): "openocs/portal/notifications/tests/test_docs.py",
    ("docs/scheduler.md", "python"): "openocs/scheduler/tests/test_docs.py",
    ("docs/scheduler.md", "console"): "tests/docs/test_every_example.py",
    ("docs/visibility.md", "python"): "openocs/visibility/tests/test_docs.py",
    ("docs/visibility-bodies.md", "python"): "tests/docs/test_every_example.py",
}


def _blocks() -> list[tuple[str, int, str, str, str]]:
    """(page, line, language, body, the line before the fence) of every fenced block."""
    found = []
    for path in PAGES:
        text = path.read_text(encoding="utf-8")
        page = path.relative_to(ROOT).as_posix()
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            found.append((page, line, match.group(1), match.group(2), before))
    return found


BLOCKS = _blocks()


def test_every_code_block_is_run_by_a_test_or_says_why_not() -> None:
    unaccounted = [
        f"{page}:{line} ```{language}"
        for page, line, language, _body, before in BLOCKS
        if language not in SHOWN
        and language not in DATA
        and (page, language) not in RUN_BY
        and not NOT_RUN.search(before)
        and not MARKED_RUN_BY.search(before)
    ]
    assert unaccounted == [], (
        "code blocks with no test and no `<!-- not run: why -->` line before them"
    )


@pytest.mark.parametrize(
    ("page", "line", "test_file"),
    [
        (page, line, found.group(1))
        for page, line, _language, _body, before in BLOCKS
        if (found := MARKED_RUN_BY.search(before))
    ],
)
def test_each_block_marked_run_by_names_a_test_that_reads_its_page(
    page: str, line: int, test_file: str
) -> None:
    path = ROOT / test_file
    assert path.is_file(), f"{page}:{line} names {test_file}, which does not exist"
    assert page in path.read_text(encoding="utf-8"), f"{test_file} never reads {page}"


@pytest.mark.parametrize(("page", "language"), sorted(RUN_BY))
def test_each_named_test_exists_and_reads_its_page(page: str, language: str) -> None:
    test_file = ROOT / RUN_BY[(page, language)]
    assert test_file.is_file(), test_file
    assert Path(page).name in test_file.read_text(encoding="utf-8")
    assert any(p == page and lang == language for p, _, lang, _, _ in BLOCKS), (
        f"{page} has no ```{language} block any more: remove it from RUN_BY"
    )


@pytest.mark.parametrize(
    ("page", "line", "language", "body"),
    [(p, n, lang, b) for p, n, lang, b, before in BLOCKS if lang in DATA and "…" not in b],
    ids=lambda value: str(value) if isinstance(value, (str, int)) else "",
)
def test_data_examples_parse(page: str, line: int, language: str, body: str) -> None:
    if language == "json":
        for document in [body] if body.lstrip().startswith(("{", "[")) else []:
            json.loads(document)
    elif language == "yaml":
        assert yaml.safe_load(body) is not None
    else:
        rows = list(csv.reader(io.StringIO(body)))
        assert rows and all(len(row) == len(rows[0]) for row in rows), f"{page}:{line}"


def test_the_scheduler_pages_plan_command_runs_as_written(tmp_path: Path) -> None:
    """docs/scheduler.md's ``ocs scheduler plan`` on the frozen small instance, as printed."""
    (block,) = [
        body
        for page, _line, language, body, _ in BLOCKS
        if page == "docs/scheduler.md" and language == "console"
    ]
    command = block.splitlines()[0].removeprefix("$ ")
    words = shlex.split(command)
    assert words[:3] == ["ocs", "scheduler", "plan"]
    ocs = Path(sys.executable).with_name("ocs")  # the console script next to this Python
    result = subprocess.run(
        [str(ocs), *words[1:]], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "placed" in result.stdout.lower(), result.stdout[-2000:]


def test_the_orbital_elements_example_of_visibility_bodies_runs() -> None:
    """docs/visibility-bodies.md: every python block not marked as a signature runs."""
    programs = [
        body
        for page, _line, language, body, before in BLOCKS
        if page == "docs/visibility-bodies.md"
        and language == "python"
        and not NOT_RUN.search(before)
    ]
    assert programs
    for program in programs:
        exec(compile(program, "docs/visibility-bodies.md", "exec"), {})  # noqa: S102 — our docs
