"""The examples of docs/clients.md and docs/downtime.md, executed.

The Python examples name a public host; here every client they build is routed to this
deployment through the in-process transport, so they run against the real configdb and downtime
apps (with the demo network imported).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from rest_framework.authtoken.models import Token

from openocs.downtime.models import Downtime
from openocs.downtime.tests.conftest import import_demo_network
from openocs.server.cli import main
from openocs.web.inprocess import InProcessTransport

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs"


def blocks(name: str, language: str) -> list[str]:
    text = (DOCS / name).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


class InProcessClient(httpx.Client):
    def __init__(self, **kwargs: Any) -> None:
        kwargs["transport"] = kwargs.get("transport") or InProcessTransport()
        super().__init__(**kwargs)


def test_python_examples_of_the_clients_page_run(monkeypatch, staff):
    import_demo_network()
    monkeypatch.setattr(httpx, "Client", InProcessClient)
    token = Token.objects.get(user=staff.user).key
    examples = blocks("clients.md", "python")
    assert len(examples) == 3
    namespace: dict[str, Any] = {"user_token": token}
    for example in examples:
        code = example.replace("<portal API token>", token)
        exec(compile(code, "docs/clients.md", "exec"), namespace)  # noqa: S102 — our own docs
    assert namespace["created"].reason == "Mirror cleaning"
    assert not Downtime.objects.filter(pk=namespace["created"].id).exists()


def test_command_examples_of_the_downtime_page_run(configdb):
    text = (DOCS / "downtime.md").read_text(encoding="utf-8")
    [commands] = re.findall(r"```\n(ocs downtime create.*?)```", text, flags=re.DOTALL)
    lines = commands.replace("\\\n", " ").splitlines()
    for line in lines:
        args = shlex.split(line.replace("[--site coj] [--all]", "--all"))
        result = CliRunner().invoke(main, args[1:])
        assert result.exit_code == 0, (line, result.output)
    assert Downtime.objects.count() == 2
