"""Fixtures of the archive tests: a file store, personas, a portal profile server, ingestion.

Proposal membership comes from the portal's ``GET api/profile/``. These tests serve canned
profiles from a real HTTP server thread on 127.0.0.1 (``OCS_PORTAL_URL`` points at it), so the
archive goes through the same client, cache and error handling as a split deployment;
``test_portal_inprocess.py`` checks the co-hosted path against the real portal.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openocs.archive import files
from openocs.clients.archive import ArchiveClient
from openocs.ingester import Ingester, IngesterSettings
from openocs.storage import StorageConfig
from openocs.web.inprocess import InProcessTransport

# the real frames of shared/data/fits, kept in the checkout for the demo and the tests
FITS_DIR = Path(__file__).resolve().parents[3] / "data" / "demo-fits"
FULL_FRAME = FITS_DIR / "ogg2m001-ep02-20210708-0132-e00.fits.fz"
MEMBER_PROPOSAL = "LCO2021A-005"
OTHER_PROPOSAL = "LCO2021A-999"


@dataclass
class PortalStub:
    """What the stub portal answers: proposals per token, and whether it is up."""

    proposals: dict[str, list[str]] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    down: bool = False
    calls: int = 0


@pytest.fixture
def portal(settings: Any) -> Iterator[PortalStub]:
    stub = PortalStub()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            stub.calls += 1
            if stub.down:
                self._send(503, {"detail": "down"})
                return
            header = self.headers.get("Authorization", "")
            token = header.split(" ", 1)[1] if " " in header else ""
            if self.path.rstrip("/") != "/api/profile" or token not in stub.users:
                self._send(401, {"detail": "Invalid token."})
                return
            ids = stub.proposals.get(token, [])
            self._send(
                200,
                {
                    "username": stub.users[token],
                    "email": "",
                    "proposals": [{"id": i, "title": i} for i in ids],
                    "tokens": {"api_token": token},
                },
            )

        def _send(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.OCS_PORTAL_URL = f"http://127.0.0.1:{server.server_address[1]}/"
    cache.clear()
    yield stub
    server.shutdown()
    server.server_close()
    cache.clear()


@pytest.fixture
def store_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "files"
    settings.ARCHIVE_STORAGE = StorageConfig(
        backend="local", root_dir=str(root), signing_key="test-signing-key"
    )
    settings.ARCHIVE_THUMBNAILS = False
    return root


@dataclass
class Persona:
    user: User
    token: str
    client: APIClient


@pytest.fixture
def make_persona(db: Any, portal: PortalStub) -> Callable[..., Persona]:
    def make(
        name: str,
        *,
        proposals: list[str] | None = None,
        staff: bool = False,
        superuser: bool = False,
    ) -> Persona:
        user = User.objects.create_user(name, is_staff=staff or superuser, is_superuser=superuser)
        token = Token.objects.create(user=user).key
        portal.users[token] = name
        portal.proposals[token] = list(proposals or [])
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return Persona(user, token, client)

    return make


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def outsider(make_persona: Callable[..., Persona]) -> Persona:
    return make_persona("outsider", proposals=["SOMEONE-ELSE"])


@pytest.fixture
def member(make_persona: Callable[..., Persona]) -> Persona:
    return make_persona("member", proposals=[MEMBER_PROPOSAL])


@pytest.fixture
def staff(make_persona: Callable[..., Persona]) -> Persona:
    return make_persona("staff", staff=True)


@pytest.fixture
def ingest_user(make_persona: Callable[..., Persona]) -> Persona:
    return make_persona("ingester", superuser=True)


@pytest.fixture
def ingester(store_root: Path, ingest_user: Persona) -> Iterator[Ingester]:
    """The real ingester library, talking to this archive through the in-process transport."""
    client = ArchiveClient(
        "http://testserver/archive/", token=ingest_user.token, transport=InProcessTransport()
    )
    ingester = Ingester.from_settings(
        IngesterSettings(api_root="http://testserver/archive/"),
        storage=files.storage(),
        archive=client,
    )
    yield ingester
    client.close()


def ingest(ingester: Ingester, path: Path, **metadata: Any) -> dict[str, Any]:
    with path.open("rb") as fileobj:
        return ingester.ingest(fileobj, path.name, file_metadata=metadata or None)


@pytest.fixture
def archive_of_real_frames(ingester: Ingester) -> dict[str, dict[str, Any]]:
    """Every real frame ingested; two made proprietary to proposals of their own."""
    overrides = {
        "coj1m011-kb05-20150219-0125-e90.fits.fz": {
            "PROPID": MEMBER_PROPOSAL, "L1PUBDAT": "2099-01-01T00:00:00",
        },
        "coj1m011-fl08-20151216-0083-d00.fits.fz": {
            "PROPID": OTHER_PROPOSAL, "L1PUBDAT": "2099-01-01T00:00:00",
        },
    }  # fmt: skip
    return {
        path.name: ingest(ingester, path, **overrides.get(path.name, {}))
        for path in sorted(FITS_DIR.glob("*.fits.fz"))
    }


def record(basename: str, **fields: Any) -> dict[str, Any]:
    """A registration body with a fake stored version (for filter tests without files)."""
    import hashlib

    body: dict[str, Any] = {
        "basename": basename,
        "observation_date": "2021-07-09T14:33:45Z",
        "observation_day": "20210708",
        "proposal_id": "PUBLIC-001",
        "instrument_id": "fa12",
        "target_name": "M31",
        "reduction_level": 91,
        "site_id": "lsc",
        "telescope_id": "1m0a",
        "exposure_time": 30.0,
        "primary_optical_element": "rp",
        "public_date": "2021-07-09T14:33:45Z",
        "configuration_type": "EXPOSE",
        "observation_id": 1,
        "request_id": 2,
        "area": None,
        "version_set": [
            {"key": "k", "md5": hashlib.md5(basename.encode()).hexdigest(), "extension": ".fits.fz"}  # noqa: S324
        ],
        "headers": {"USERID": "alice"},
        "related_frame_filenames": [],
    }
    body.update(fields)
    return body


def box(ra_min: float, dec_min: float, ra_max: float, dec_max: float) -> dict[str, Any]:
    ring = [
        [ra_min, dec_min],
        [ra_min, dec_max],
        [ra_max, dec_max],
        [ra_max, dec_min],
        [ra_min, dec_min],
    ]
    return {"type": "Polygon", "coordinates": [ring]}
