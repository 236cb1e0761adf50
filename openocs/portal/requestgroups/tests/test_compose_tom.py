"""TOM Toolkit's redirect flow: its target parameters and the allow-listed return."""

from __future__ import annotations

import pytest
from django.test import override_settings

from openocs.portal.requestgroups.compose.tom import (
    redirect_after_submit,
    redirect_allowed,
    target_from_tom,
)


def test_reads_a_sidereal_target_from_tom_parameters() -> None:
    target = target_from_tom(
        {
            "target_name": "ngc1300",
            "target_ra": "49.921",
            "target_dec": "-19.411",
            "target_type": "SIDEREAL",
            "target_pm_ra": "1.5",
            "target_epoch": "2000.0",
            "target_distance": "None",
        }
    )
    assert target == {
        "type": "ICRS",
        "name": "ngc1300",
        "ra": 49.921,
        "dec": -19.411,
        "proper_motion_ra": 1.5,
        "epoch": 2000.0,
    }


def test_reads_orbital_elements_from_a_non_sidereal_tom_target() -> None:
    target = target_from_tom(
        {
            "target_name": "C/2023 A3",
            "target_type": "NON_SIDEREAL",
            "target_scheme": "MPC_COMET",
            "target_inclination": "139.1",
            "target_eccentricity": "1.0001",
            "target_perihdist": "0.391",
        }
    )
    assert target is not None
    assert target["type"] == "ORBITAL_ELEMENTS"
    assert target["scheme"] == "MPC_COMET"
    assert target["orbinc"] == 139.1
    assert target["perihdist"] == 0.391


def test_no_target_parameters_means_no_target() -> None:
    assert target_from_tom({"redirect_uri": "https://tom.example.org/"}) is None


@override_settings(
    OCS_COMPOSE_REDIRECT_ORIGINS=["https://tom.example.org", "http://127.0.0.1:8001"]
)
@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        ("https://tom.example.org/observations/callback/?target_id=1", True),
        ("https://tom.example.org:8443/x", True),
        ("http://tom.example.org/x", False),
        ("https://tom.example.org.evil.test/x", False),
        ("http://127.0.0.1:8001/cb", True),
        ("http://127.0.0.1:9999/cb", False),
        ("//tom.example.org/x", False),
        ("javascript:alert(1)", False),
        ("https://[::1/", False),
    ],
)
def test_only_allow_listed_origins_are_followed(uri: str, allowed: bool) -> None:
    assert redirect_allowed(uri) is allowed


def test_nothing_is_followed_when_the_allow_list_is_empty() -> None:
    with override_settings(OCS_COMPOSE_REDIRECT_ORIGINS=[]):
        assert not redirect_allowed("https://tom.example.org/")


def test_adds_the_group_id_as_observation_id_keeping_the_tom_parameters() -> None:
    uri = "https://tom.example.org/observations/callback/?target_id=4&facility=LCO"
    assert redirect_after_submit(uri, 123) == (
        "https://tom.example.org/observations/callback/?target_id=4&facility=LCO&observation_id=123"
    )
