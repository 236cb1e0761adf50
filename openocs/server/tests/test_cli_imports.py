"""``ocs --help`` must stay fast: reading the arguments imports no heavy library (issue 17)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["astropy", "numpy", "django", "erfa", "rest_framework", "ortools", "httpx"]

PROBE = """
import json, sys
from openocs.server.cli import LAZY_COMMANDS, main
for args in [["--help"], *([name, "--help"] for name in LAZY_COMMANDS)]:
    try:
        main(args, standalone_mode=False)
    except SystemExit:
        pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_help_of_every_command_imports_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "click" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_importing_the_ingester_leaves_astropy_for_first_use() -> None:
    probe = (
        "import json, sys\n"
        "import openocs.ingester as ingester\n"
        "before = 'astropy' in sys.modules\n"
        "ingester.Ingester\n"
        "print(json.dumps([before, 'astropy' in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [False, True]


def test_lazy_package_attributes_resolve_and_unknown_ones_raise() -> None:
    import openocs
    import openocs.ingester as ingester

    assert isinstance(openocs.__version__, str) and openocs.__version__
    assert callable(ingester.describe_file)
    with pytest.raises(AttributeError):
        _ = openocs.nothing_here
    with pytest.raises(AttributeError):
        _ = ingester.nothing_here


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("4", "4")])
def test_ocs_runs_numpy_with_one_openblas_thread_unless_told(
    given: str | None, expected: str
) -> None:
    import os

    environment = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        environment["OPENBLAS_NUM_THREADS"] = given
    probe = "import os, openocs.server.cli; print(os.environ['OPENBLAS_NUM_THREADS'])"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=environment,
    )
    assert done.stdout.strip() == expected
