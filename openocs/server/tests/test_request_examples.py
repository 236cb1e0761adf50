"""Every write route of every component's OpenAPI schema carries a request-body example, and
each example is accepted by its route (issue 18: "the API reference generated from the schema
with a request example for every write route").

The examples live in :mod:`openocs.server.request_examples`; the schema hook copies them into
the schemas that ``make docs`` renders. Each example is sent, in a savepoint that is rolled back,
as the role that may call the route, to the test database of the permission matrix (proposal
proposal A of member A, its submitted request group and scheduled observation, a downtime, an
archived frame, the demo network). A route whose example needs an object id gets the fixture's id
(:data:`FIXTURE_IDS` says which fields); a route that takes no body is listed in :data:`BODYLESS`;
a route still without an example is listed in :data:`PENDING`, with why.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from drf_spectacular.generators import EndpointEnumerator

from openocs.portal.conftest import make_persona  # noqa: F401  (fixture)
from openocs.portal.requestgroups.tests.conftest import (  # noqa: F401  (fixtures)
    NOW,
    frozen_now,
    live_network,
)
from openocs.server.apidocs import component_schema
from openocs.server.components import COMPONENTS
from openocs.server.tests.test_permission_matrix import (
    World,
    _build_world,
    _close,
    _concrete,
    _configdb_ids,
)

WRITE_METHODS = ("post", "put", "patch")

# Write routes that take no body: their example is the empty request.
BODYLESS = {
    "POST /api/profile/accept_terms/",
    "POST /api/requestgroups/{id}/cancel/",
    "POST /api/requests/{id}/cancel/",
    "POST /api/revoke_token/",
    "POST /api/rotate_token/",
    "POST /api/scienceapplications/{id}/copy/",
    "POST /api/scienceapplications/{id}/port/",
    "POST /api/scienceapplications/{id}/reject/",
}

# Write routes without an example yet, with the reason (none now: keep it that way).
PENDING: dict[str, str] = {}

# Who sends each example (default: staff with staff_view; see the permission matrix's roles).
ROLE: dict[str, str] = {
    "POST /api/requestgroups/": "member_a",
    "POST /api/requestgroups/validate/": "member_a",
    "POST /api/requestgroups/max_allowable_ipp/": "member_a",
    "POST /api/requestgroups/cadence/": "member_a",
    "POST /api/configurations/dither/": "member_a",
    "POST /api/requests/mosaic/": "member_a",
    "POST /api/airmass/": "member_a",
    "POST /archive/frames/": "ingester",
    "POST /archive/frames/zip/": "member_a",
    "POST /archive/thumbnails/": "ingester",
    "PUT /archive/frames/{id}/": "ingester",
    "POST /api/schedule/": "member_a",
    "POST /api/scienceapplications/": "member_a",
    "PUT /api/scienceapplications/{id}/": "member_a",
    "PATCH /api/scienceapplications/{id}/": "member_a",
    "POST /api/scienceapplications/{id}/copy/": "member_a",
    "PATCH /api/drafts/{id}/": "member_a",
    "PATCH /api/notifications/preferences/": "member_a",
    "PATCH /api/profile/": "member_a",
    "PATCH /api/webhooks/{id}/": "member_a",
    "POST /api/account_removal_request/": "member_a",
    "POST /api/drafts/": "member_a",
    "POST /api/memberships/{id}/limit/": "member_a",
    "POST /api/proposals/{id}/globallimit/": "member_a",
    "POST /api/proposals/{id}/invite/": "member_a",
    "POST /api/proposals/{id}/notification/": "member_a",
    "POST /api/webhooks/": "member_a",
    "POST /archive/revoke_token/": "member_a",
    "PUT /api/drafts/{id}/": "member_a",
    "PUT /api/profile/": "member_a",
    "PUT /api/webhooks/{id}/": "member_a",
    "PATCH /archive/frames/{id}/": "ingester",
    "POST /accounts/api-login/": "anonymous",
    "POST /api/api-token-auth/": "anonymous",
    "POST /archive/api-token-auth/": "anonymous",
    "POST /archive/authprofile/addupdateuser/": "anonymous",
}

# The portal's server key, configured for the example of the account push.
SERVER_KEY = "example-server-key"

# Headers a route's example is sent with, beyond the role's credentials.
HEADERS: dict[str, dict[str, str]] = {
    "POST /archive/authprofile/addupdateuser/": {"HTTP_AUTHORIZATION": f"Server {SERVER_KEY}"},
}


def _request_ids(body: Any, world: World) -> Any:
    """The fixture's request and configuration ids in place of the example's."""
    from openocs.portal.requestgroups.models import Request

    request = Request.objects.get(pk=world.ids["requests"])
    configuration = request.configurations.order_by("pk").first()
    assert configuration is not None
    for item in body if isinstance(body, list) else [body]:
        if "request" in item:
            item["request"] = request.pk
        for status in item.get("configuration_statuses", []):
            status["configuration"] = configuration.pk
        for left_out in item.get("left_out", []):
            left_out["request"] = request.pk
    return body


def _call_id(body: Any, world: World) -> Any:
    body["call"] = int(world.ids["calls"])
    return body


def _submitted_application(world: World) -> None:
    """The URL names member A's submitted application (the one member B reviews)."""
    world.ids["scienceapplications"] = world.ids["applications"]


def _frame_ids(body: Any, world: World) -> Any:
    body["frame_ids"] = [int(world.ids["frames"])]
    return body


def _store_example_frame(world: World) -> None:
    """The example frame's file, where the example's version says it is."""
    from openocs.archive import files
    from openocs.server.request_examples import DEMO_FRAME, DEMO_FRAME_KEY

    demo = Path(__file__).parents[3] / "data" / "demo-fits" / f"{DEMO_FRAME}.fits.fz"
    with demo.open("rb") as handle:
        files.storage().put(DEMO_FRAME_KEY, handle)


def _co_investigator(world: World) -> None:
    """Member B joins proposal A as a co-investigator: the membership of the URL (a PI's time
    is not limited)."""
    from openocs.portal.proposals.models import Membership, Proposal

    proposal = Proposal.objects.get(pk=world.ids["proposals"])
    membership = Membership.objects.create(
        proposal=proposal, user=world.users["member_b"], role=Membership.CI
    )
    world.ids["memberships"] = str(membership.pk)


def _direct_submission(world: World) -> None:
    """Proposal A may place observations directly (the staff flag of §15)."""
    from openocs.portal.proposals.models import Proposal

    Proposal.objects.filter(pk=world.ids["proposals"]).update(direct_submission=True)


def _accepted_application(world: World) -> None:
    """Staff accept member A's submitted application: the one the URL ports."""
    from openocs.portal.sciapplications import services as sciapp_services
    from openocs.portal.sciapplications.models import ScienceApplication

    application = ScienceApplication.objects.get(pk=world.ids["applications"])
    sciapp_services.application_accept(
        application=application, actor=world.users["staff"], tac_rank=12
    )
    world.ids["scienceapplications"] = world.ids["applications"]


def _free_first_instrument_type(model_name: str, **fields: str) -> Callable[[World], None]:
    """Remove the first instrument type's row of ``model_name`` with ``fields``: the example
    adds it again (they are unique per instrument type)."""

    def setup(world: World) -> None:
        from django.apps import apps

        from openocs.configdb.models import InstrumentType

        first = InstrumentType.objects.order_by("pk").first()
        model = apps.get_model("configdb", model_name)
        model.objects.filter(instrument_type=first, **fields).delete()

    return setup


# What a route's example needs beyond the permission matrix's world (in the rolled-back
# savepoint of its call).
SETUP: dict[str, Callable[[World], None]] = {
    "POST /api/memberships/{id}/limit/": _co_investigator,
    "POST /api/schedule/": _direct_submission,
    "POST /api/scienceapplications/{id}/accept/": _submitted_application,
    "POST /api/scienceapplications/{id}/port/": _accepted_application,
    "POST /api/scienceapplications/{id}/reject/": _submitted_application,
    "POST /archive/frames/": _store_example_frame,
    "PUT /archive/frames/{id}/": _store_example_frame,
    "POST /configdb/configurationtypeproperties/": _free_first_instrument_type(
        "ConfigurationTypeProperties", configuration_type__code="EXPOSE"
    ),
    "POST /configdb/genericmodegroups/": _free_first_instrument_type(
        "GenericModeGroup", type="readout"
    ),
}

# When a route's example is sent, if not at the fixture's "now" (2026-12-01 12:00 UTC): a site
# reports a configuration's end after its observation started.
CLOCK: dict[str, datetime] = {
    "PATCH /api/configurationstatus/{id}/": datetime(2026, 12, 1, 23, 5, tzinfo=UTC),
}

# configdb fields naming an object, and the model whose first object the test names instead.
_CONFIGDB_REFERENCES = {
    "site_id": "Site",
    "enclosure_id": "Enclosure",
    "telescope_id": "Telescope",
    "camera_type_id": "CameraType",
    "autoguider_camera_id": "Camera",
    "science_cameras_ids": "Camera",
    "instrument_type_id": "InstrumentType",
    "instrument_type": "InstrumentType",
    "optical_element_group_ids": "OpticalElementGroup",
    "optical_element_ids": "OpticalElement",
    "mode_ids": "GenericMode",
}


def _configdb_ids_of(body: Any, world: World) -> Any:
    from django.apps import apps

    for field, model_name in _CONFIGDB_REFERENCES.items():
        if field in body:
            first = apps.get_model("configdb", model_name).objects.order_by("pk").first()
            assert first is not None
            body[field] = [first.pk] if isinstance(body[field], list) else first.pk
    return body


EXAMPLE_PROPOSAL = "LCO2027A-012"  # the proposal the examples name (proposal A here)


def _in_this_world(body: Any, world: World) -> Any:
    """The example with its proposal id replaced by proposal A's, wherever it stands."""
    if isinstance(body, dict):
        return {key: _in_this_world(value, world) for key, value in body.items()}
    if isinstance(body, list):
        return [_in_this_world(value, world) for value in body]
    return world.ids["proposals"] if body == EXAMPLE_PROPOSAL else body


# The fields of an example that name an existing object, replaced by the fixture's ids.
FIXTURE_IDS: dict[str, Callable[[Any, World], Any]] = {
    "POST /api/observations/": _request_ids,
    "POST /api/scheduler/runs/": _request_ids,
    "POST /archive/frames/zip/": _frame_ids,
    "POST /api/scienceapplications/": _call_id,
    "PUT /api/scienceapplications/{id}/": _call_id,
}


def _write_operations() -> list[tuple[str, dict[str, Any]]]:
    """``("METHOD /co-hosted/path/", operation)`` of every write route of every component."""
    found = []
    for name in settings.OCS_COMPONENTS:
        prefix = COMPONENTS[name].cohosted_prefix
        for path, item in component_schema(name)["paths"].items():
            for method in WRITE_METHODS:
                if method in item:
                    found.append((f"{method.upper()} /{prefix}{path.lstrip('/')}", item[method]))
    return sorted(found, key=lambda pair: pair[0])


def _example(operation: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    media: dict[str, Any] = content.get("application/json", {})
    examples = media.get("examples", {})
    return next(iter(examples.values()))["value"] if examples else None


@pytest.mark.django_db
def test_every_write_route_has_an_example_its_route_accepts(
    request: pytest.FixtureRequest,
) -> None:
    request.getfixturevalue("live_network")
    request.getfixturevalue("frozen_now")
    request.getfixturevalue("settings").OAUTH_SERVER_KEY = SERVER_KEY
    cache.clear()
    make = request.getfixturevalue("make_persona")
    world = _build_world(make)
    world.clients["ingester"] = make("archivist", is_superuser=True).client
    endpoints = EndpointEnumerator().get_api_endpoints()  # type: ignore[no-untyped-call]
    configdb_ids = _configdb_ids(endpoints)
    for client in world.clients.values():
        client.get("/archive/profile/")

    missing, refused, stale = [], [], []
    operations = _write_operations()
    routes = {route for route, _ in operations}
    stale = sorted(
        (
            BODYLESS
            | set(PENDING)
            | set(ROLE)
            | set(FIXTURE_IDS)
            | set(SETUP)
            | set(CLOCK)
            | set(HEADERS)
        )
        - routes
    )
    for route, operation in operations:
        if route in BODYLESS:
            # Declared without a body, and posted without one: the route must still accept it.
            assert "requestBody" not in operation, f"{route} takes a body: give it an example"
            example: Any = {}
        else:
            example = _example(operation)
        if example is None:
            if route not in PENDING:
                missing.append(route)
            continue
        assert route not in PENDING, f"{route} has an example now: remove it from PENDING"
        body = _in_this_world(copy.deepcopy(example), world)
        if route in FIXTURE_IDS:
            body = FIXTURE_IDS[route](body, world)
        elif route.split(" ", 1)[1].startswith("/configdb/"):
            body = _configdb_ids_of(body, world)
        method, path = route.split(" ", 1)
        client = world.clients[ROLE.get(route, "staff_view")]
        ids = dict(world.ids)
        with time_machine.travel(CLOCK.get(route, NOW), tick=False), transaction.atomic():
            if route in SETUP:
                SETUP[route](world)
            url = _concrete(re.sub(r"{(id|code)}", "{pk}", path), world.ids, configdb_ids)
            response = getattr(client, method.lower())(
                url, body, format="json", **HEADERS.get(route, {})
            )
            transaction.set_rollback(True)
        world.ids = ids
        if response.status_code >= 400:
            refused.append(
                f"{route} as {ROLE.get(route, 'staff_view')}: {response.status_code} "
                f"{response.content[:300]!r}"
            )
        _close(response)
    assert not stale, "listed routes that no longer exist:\n" + "\n".join(stale)
    assert not refused, "examples their route refuses:\n" + "\n".join(refused)
    assert not missing, "write routes without a request example:\n" + "\n".join(missing)
