"""End to end (issue 13, "Done means"): real server processes (``ocs up``: web, task worker,
scheduler daemon) and a simulated site (``ocs site simulate``), all over HTTP.

One submission becomes COMPLETED with frames carrying its REQNUM in the archive, which its
requester can find and download and another user cannot, and the completion e-mail lands in the
outbox. An injected configuration failure makes the request FAILED → re-placed → COMPLETED.

The demo network always has a site in the dark (its seventh, Ali at 80° E, covers the hours
around 18 h UTC in the northern winter when the six others are all in twilight or daylight), so
the tests never skip: a run that finds no dark site fails.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.integration.observatory import (
    Observatory,
    request_state,
    running,
    wait_for,
)

pytestmark = pytest.mark.slow

#: Submission → COMPLETED takes 10–40 s on an idle machine; the scheduler plans from "now + its
#: pass estimate", which doubles whenever a cycle is slow, so a loaded machine needs longer.
OBSERVE_TIMEOUT_S = 240.0


@pytest.fixture(scope="module")
def observatory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observatory]:
    yield from running(tmp_path_factory.mktemp("observatory"), "--no-simulator")


@pytest.fixture(scope="module")
def tokens(observatory: Observatory) -> dict[str, str]:
    """API tokens of alice (the demo PI), the site service account (what ``ocs serviceaccount
    site`` prints) and mallory, a user of no proposal (one Django start for the three)."""
    printed = observatory.django(
        "import json\n"
        "from django.contrib.auth.models import User\n"
        "from rest_framework.authtoken.models import Token\n"
        "from openocs.server.cli import ensure_site_account\n"
        "def token(name):\n"
        "    user, _ = User.objects.get_or_create(username=name)\n"
        "    return Token.objects.get_or_create(user=user)[0].key\n"
        "print(json.dumps({'alice': token('alice'), 'outsider': token('mallory'),\n"
        "                  'site': ensure_site_account()}))\n"
    )
    tokens: dict[str, str] = json.loads(printed)
    return tokens


@pytest.fixture
def simulators(observatory: Observatory, tokens: dict[str, str]) -> Iterator[Observatory]:
    """The observatory; after the test, the simulated sites it started are stopped and what it
    left PENDING is cancelled (so the next test's site does not observe it)."""
    yield observatory
    observatory.stop_extra()
    with observatory.client(tokens["alice"]) as alice:
        groups = alice.get("api/requestgroups/", params={"state": "PENDING"}).json()
        for group in groups["results"]:
            alice.post(f"api/requestgroups/{group['id']}/cancel/")


def _demo_request(observatory: Observatory, name: str) -> dict[str, Any]:
    """What ``ocs site demo-request`` prints: a request observable now at the darkest site."""
    from click.testing import CliRunner

    from openocs.simulator.cli import site_group

    printed = CliRunner().invoke(
        site_group, ["demo-request", "--portal-url", observatory.url, "--name", name]
    )
    if printed.exit_code == 4:
        pytest.fail("no site of the demo network is dark now (Ali should always be)")
    assert printed.exit_code == 0, printed.output
    group: dict[str, Any] = json.loads(printed.stdout)
    return group


def _submit(observatory: Observatory, token: str, group: dict[str, Any]) -> dict[str, Any]:
    with observatory.client(token) as client:
        response = client.post("api/requestgroups/", json=group)
    assert response.status_code == 201, response.text
    submitted: dict[str, Any] = response.json()
    return submitted


def _wait_completed(observatory: Observatory, token: str, group_id: int) -> None:
    def completed() -> bool:
        state = request_state(observatory, token, group_id)
        assert state == "PENDING" or state == "COMPLETED", state
        return state == "COMPLETED"

    try:
        wait_for(completed, timeout_s=OBSERVE_TIMEOUT_S, what=f"request group {group_id}")
    except AssertionError:
        for simulator_log in sorted(observatory.data_dir.glob("simulator-*.log")):
            print(simulator_log.read_text(encoding="utf-8", errors="replace")[-3000:])
        print(observatory.log()[-5000:])
        raise


def _observations(observatory: Observatory, token: str, request_id: int) -> list[dict[str, Any]]:
    with observatory.client(token) as client:
        answer = client.get(f"api/requests/{request_id}/observations/").json()
    return list(answer if isinstance(answer, list) else answer["results"])


@pytest.fixture
def webhook_receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local HTTP endpoint recording the JSON bodies POSTed to it: ``(url, bodies)``."""
    bodies: list[dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            bodies.append(json.loads(self.rfile.read(length) or b"{}"))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", bodies
    server.shutdown()
    server.server_close()


def test_a_submission_is_observed_archived_and_announced(
    simulators: Observatory,
    tokens: dict[str, str],
    webhook_receiver: tuple[str, list[dict[str, Any]]],
) -> None:
    observatory = simulators
    hook_url, deliveries = webhook_receiver
    with observatory.client(tokens["alice"]) as alice:
        created = alice.post("api/webhooks/", json={"url": hook_url, "event_kinds": []})
        assert created.status_code == 201, created.text
    group = _demo_request(observatory, "e2e-first-light")
    site = group["requests"][0]["location"]["site"]
    observatory.simulate("--site", site, "--demo", token=tokens["site"])
    submitted = _submit(observatory, tokens["alice"], group)
    request_id = submitted["requests"][0]["id"]

    _wait_completed(observatory, tokens["alice"], submitted["id"])

    [observation] = _observations(observatory, tokens["alice"], request_id)
    assert observation["state"] == "COMPLETED"
    with observatory.client(tokens["alice"]) as alice:
        frames = alice.get("archive/frames/", params={"request_id": request_id}).json()
        assert frames["count"] == 2
        for frame in frames["results"]:
            headers = alice.get(f"archive/frames/{frame['id']}/headers/").json()["data"]
            assert int(headers["REQNUM"]) == request_id
            assert headers["SITEID"] == site
            assert headers["OBSTYPE"] == "EXPOSE"
            download = httpx.get(frame["url"], timeout=30.0)
            assert download.status_code == 200
            assert download.content[:6] == b"SIMPLE"
    with observatory.client(tokens["outsider"]) as outsider:
        listed = outsider.get("archive/frames/", params={"request_id": request_id}).json()
        assert listed["count"] == 0
        hidden = outsider.get(f"archive/frames/{frames['results'][0]['id']}/")
        assert hidden.status_code == 404

    def announced() -> bool:  # the task worker sends it after the completion
        mails = [path.read_text(encoding="utf-8") for path in observatory.outbox.glob("*")]
        return any("Subject: Request e2e-first-light has completed" in mail for mail in mails)

    wait_for(announced, timeout_s=30.0, what="the completion e-mail")

    def hooked() -> bool:  # the webhook got the group's completion
        return any(
            body.get("kind") == "requestgroup.state_changed"
            and body.get("data", {}).get("new_state") == "COMPLETED"
            for body in deliveries
        )

    wait_for(hooked, timeout_s=30.0, what="the completion webhook")


def test_an_injected_failure_is_re_placed_and_then_completed(
    simulators: Observatory, tokens: dict[str, str]
) -> None:
    observatory = simulators
    group = _demo_request(observatory, "e2e-fault")
    site = group["requests"][0]["location"]["site"]
    observatory.simulate("--site", site, "--demo", "--inject-failures", "1", token=tokens["site"])
    submitted = _submit(observatory, tokens["alice"], group)
    request_id = submitted["requests"][0]["id"]

    _wait_completed(observatory, tokens["alice"], submitted["id"])

    states = sorted(o["state"] for o in _observations(observatory, tokens["alice"], request_id))
    assert states == ["COMPLETED", "FAILED"]
