"""Every Python example of the getting-started page and the tutorials runs (issue 18).

The examples talk to ``http://127.0.0.1:8000``; here each ``httpx.Client`` they build is routed
to this test's deployment through the in-process transport, with the demo observatory loaded,
so they run against the real components. The CSV block is imported by ``ocs accounting``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from openocs.web.inprocess import InProcessTransport

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = [
    "getting-started.md",
    "tutorials/adopting-openocs.md",
    "tutorials/tom-toolkit-and-scripts.md",
]


def blocks(page: str, language: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


class _InProcessClient(httpx.Client):
    def __init__(self, **kwargs: Any) -> None:
        if "base_url" in kwargs:  # the examples' address is this test's deployment
            kwargs["base_url"] = str(kwargs["base_url"]).replace(
                "http://127.0.0.1:8000", "http://testserver"
            )
        kwargs["transport"] = kwargs.get("transport") or InProcessTransport()
        super().__init__(**kwargs)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from openocs.configdb.demo import load_demo as configdb_demo
    from openocs.downtime.demo import load_demo as downtime_demo
    from openocs.portal.demo import load_demo as portal_demo
    from openocs.server.cli import ensure_demo_staff

    configdb_demo()
    downtime_demo()
    portal_demo()
    _, _, staff_token = ensure_demo_staff()
    alice = Token.objects.get_or_create(user=User.objects.get(username="alice"))[0].key
    monkeypatch.setattr(httpx, "Client", _InProcessClient)
    return {"staff_token": staff_token, "alice_token": alice}


@pytest.mark.parametrize("page", PAGES)
def test_the_python_examples_run_in_order(page: str, demo: dict[str, str]) -> None:
    examples = blocks(page, "python")
    assert examples, page
    namespace: dict[str, Any] = dict(demo)
    for example in examples:
        exec(compile(example, f"docs/{page}", "exec"), namespace)  # noqa: S102 - our own docs


def test_getting_started_submits_a_request_the_portal_accepts(demo: dict[str, str]) -> None:
    namespace: dict[str, Any] = dict(demo)
    [example] = blocks("getting-started.md", "python")
    exec(compile(example, "docs/getting-started.md", "exec"), namespace)  # noqa: S102
    assert namespace["checked"]["errors"] == {}
    assert namespace["created"]["state"] == "PENDING"


def test_the_allocation_csv_of_the_adoption_tutorial_imports(tmp_path: Path) -> None:
    from openocs.portal.proposals.models import Proposal, Semester
    from openocs.server.cli import main

    Semester.objects.create(id="2031A", start="2031-04-01T00:00:00Z", end="2031-10-01T00:00:00Z")
    [csv_block] = blocks("tutorials/adopting-openocs.md", "csv")
    allocations = tmp_path / "allocations.csv"
    allocations.write_text(csv_block, encoding="utf-8")
    result = CliRunner().invoke(main, ["accounting", "import", str(allocations)])
    assert result.exit_code == 0, result.output
    assert Proposal.objects.get(pk="OBS2031A-001").title == "Variable stars"
