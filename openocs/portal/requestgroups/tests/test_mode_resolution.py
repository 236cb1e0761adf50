"""Mode resolution (portal-api.md §4.2) on a configuration document edited per test: a group
without a default, an acquisition mode with a validation schema, and an exposure mode group —
all driven by configdb data, none of it hard-coded in the portal."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from openocs.clients.configdb import ConfigDBClient
from openocs.portal.conftest import Persona
from openocs.portal.requestgroups.tests.conftest import SINISTRO, imaging_group
from openocs.portal.requestgroups.visibility import clear_downtime_cache
from openocs.web.clients import install_client, reset_clients

pytestmark = pytest.mark.django_db

Transform = Callable[[dict[str, Any]], None]


def _sinistro_mode_groups(document: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    for site in document["results"]:
        for enclosure in site["enclosure_set"]:
            for telescope in enclosure["telescope_set"]:
                for instrument in telescope["instrument_set"]:
                    if instrument["instrument_type"]["code"] == SINISTRO:
                        yield instrument["instrument_type"]["mode_types"]


def _install(document: dict[str, Any]) -> None:
    content = json.dumps(document).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.rstrip("/").endswith("sites"):
            return httpx.Response(
                200, content=content, headers={"Content-Type": "application/json"}
            )
        return httpx.Response(404, json={"detail": "Not found."})

    reset_clients()
    clear_downtime_cache()
    install_client(
        "configdb", ConfigDBClient("http://configdb.test/", transport=httpx.MockTransport(handler))
    )


@pytest.fixture
def edited_network(submitter: Persona, demo_sites_document: bytes) -> Callable[[Transform], None]:
    def apply(transform: Transform) -> None:
        document = json.loads(demo_sites_document)
        for groups in _sinistro_mode_groups(document):
            transform({group["type"]: group for group in groups} | {"__list__": groups})
        _install(document)

    return apply


def _errors(persona: Persona, group: dict[str, Any]) -> Any:
    response = persona.client.post("/api/requestgroups/validate/", group, format="json")
    assert response.status_code == 200, response.content
    return response.json()["errors"]


def _no_readout_default(groups: dict[str, Any]) -> None:
    groups["readout"]["default"] = ""


def test_several_modes_without_default_must_be_chosen(
    submitter: Persona, edited_network: Callable[[Transform], None]
) -> None:
    edited_network(_no_readout_default)
    errors = _errors(submitter, imaging_group())
    assert errors["requests"][0]["configurations"][0]["non_field_errors"] == [
        "Must set a readout mode, choose from full_frame, central_2k_2x2"
    ]
    chosen = imaging_group()
    chosen["requests"][0]["configurations"][0]["instrument_configs"][0]["mode"] = "CENTRAL_2K_2X2"
    response = submitter.client.post("/api/requestgroups/", chosen, format="json")
    assert response.status_code == 201, response.json()
    ic = response.json()["requests"][0]["configurations"][0]["instrument_configs"][0]
    assert ic["mode"] == "central_2k_2x2"  # configdb's spelling is stored
    assert ic["extra_params"] == {"bin_x": 2, "bin_y": 2}  # the mode's schema defaults


def _brightest_acquisition(groups: dict[str, Any]) -> None:
    groups["acquisition"]["modes"].append(
        {
            "id": 99,
            "name": "Brightest",
            "overhead": 0.0,
            "code": "BRIGHTEST",
            "schedulable": True,
            "validation_schema": {
                "extra_params": {
                    "type": "dict",
                    "schema": {"acquire_radius": {"type": "float", "required": True}},
                }
            },
        }
    )


def test_acquisition_mode_schema_names_the_missing_field(
    submitter: Persona, edited_network: Callable[[Transform], None]
) -> None:
    edited_network(_brightest_acquisition)
    group = imaging_group()
    group["requests"][0]["configurations"][0]["acquisition_config"] = {"mode": "BRIGHTEST"}
    errors = _errors(submitter, group)
    assert errors["requests"][0]["configurations"][0]["non_field_errors"] == [
        "Acquisition mode BRIGHTEST requirements are not met: "
        "extra_params{acquire_radius error: required field}"
    ]
    group["requests"][0]["configurations"][0]["acquisition_config"] = {
        "mode": "brightest",
        "extra_params": {"acquire_radius": 5.0},
    }
    assert _errors(submitter, group) == {}


def _brightest_acquisition_as_configdb_ships_it(groups: dict[str, Any]) -> None:
    # The shape of FLOYDS' BRIGHTEST in shared/data/lco-network.json: extra_params itself required.
    groups["acquisition"]["modes"].append(
        {
            "code": "BRIGHTEST",
            "schedulable": True,
            "validation_schema": {
                "extra_params": {
                    "type": "dict",
                    "required": True,
                    "schema": {"acquire_radius": {"type": "float", "min": 0, "required": True}},
                }
            },
        }
    )


@pytest.mark.parametrize(
    "acquisition_config",
    [{"mode": "BRIGHTEST"}, {"mode": "BRIGHTEST", "extra_params": {}}],
    ids=["no extra_params key", "empty extra_params"],
)
def test_missing_extra_params_key_is_named_as_the_reference_names_it(
    submitter: Persona,
    edited_network: Callable[[Transform], None],
    acquisition_config: dict[str, Any],
) -> None:
    # The reference portal fills extra_params with {} before applying the mode's schema, so a
    # missing key is always named inside extra_params, never as "extra_params error: required
    # field" (its API tests assert this text for FLOYDS without acquire_radius).
    edited_network(_brightest_acquisition_as_configdb_ships_it)
    group = imaging_group()
    group["requests"][0]["configurations"][0]["acquisition_config"] = acquisition_config
    assert _errors(submitter, group)["requests"][0]["configurations"][0]["non_field_errors"] == [
        "Acquisition mode BRIGHTEST requirements are not met: "
        "extra_params{acquire_radius error: required field}"
    ]


def _exposure_modes(groups: dict[str, Any]) -> None:
    groups["__list__"].append(
        {
            "id": 98,
            "type": "exposure",
            "default": "",
            "modes": [
                {"id": 97, "name": "Normal", "overhead": 0.0, "code": "NORMAL",
                 "schedulable": True, "validation_schema": {}},
                {"id": 96, "name": "Synchronous", "overhead": 0.0, "code": "SYNCHRONOUS",
                 "schedulable": False, "validation_schema": {}},
            ],
        }
    )  # fmt: skip


def test_exposure_mode_is_read_from_extra_params_and_must_be_schedulable(
    submitter: Persona, edited_network: Callable[[Transform], None]
) -> None:
    edited_network(_exposure_modes)
    group = imaging_group()
    ic = group["requests"][0]["configurations"][0]["instrument_configs"][0]
    errors = _errors(submitter, group)
    assert errors["requests"][0]["configurations"][0]["non_field_errors"] == [
        "Must set a exposure mode, choose from NORMAL, SYNCHRONOUS"
    ]
    ic["extra_params"] = {"exposure_mode": "SYNCHRONOUS"}
    errors = _errors(submitter, group)
    assert errors["requests"][0]["configurations"][0]["non_field_errors"] == [
        f"Exposure mode SYNCHRONOUS is not available for instrument type {SINISTRO}"
    ]
    ic["extra_params"] = {"exposure_mode": "normal"}
    assert _errors(submitter, group) == {}
