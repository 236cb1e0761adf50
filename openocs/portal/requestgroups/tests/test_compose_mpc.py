"""MPC one-line element sets → orbital-element targets.

The lines are in the formats the Minor Planet Center documents for MPCORB.DAT and CometEls.txt;
the expected values are the fields of the lines themselves, and the dates' MJDs are checked
against the calendar (MJD 0 = 1858-11-17).
"""

from __future__ import annotations

import pytest

from openocs.portal.requestgroups.compose.mpc import (
    MpcElementsError,
    elements_from_mpc,
    unpack_epoch_mjd,
)

CERES = (
    "00001    3.33  0.15 K2555 188.70269   73.27343   80.25221   10.58780  0.0794013  "
    "0.21424651   2.7660512  0 MPO877184  7372 126 1801-2025 0.80 M-v 30k MPCLINUX   4000"
    "      (1) Ceres              20250428"
)
HALE_BOPP = (
    "    CJ95O010  1997 03 29.6323  0.913981  0.994930  130.5887  282.7334   89.4284  20250504"
    "  -2.0  4.0  C/1995 O1 (Hale-Bopp)                                    MPC106342"
)


def test_unpacks_mpc_packed_epochs() -> None:
    assert unpack_epoch_mjd("K2555") == 60800.0  # 2025-05-05
    assert unpack_epoch_mjd("J9611") == 50083.0  # 1996-01-01


def test_reads_a_minor_planet_line() -> None:
    assert elements_from_mpc(CERES) == {
        "type": "ORBITAL_ELEMENTS",
        "scheme": "MPC_MINOR_PLANET",
        "name": "(1) Ceres",
        "epochofel": 60800.0,
        "meananom": 188.70269,
        "argofperih": 73.27343,
        "longascnode": 80.25221,
        "orbinc": 10.5878,
        "eccentricity": 0.0794013,
        "dailymot": 0.21424651,
        "meandist": 2.7660512,
    }


def test_reads_a_comet_line() -> None:
    elements = elements_from_mpc("\n" + HALE_BOPP + "\n")
    assert elements["scheme"] == "MPC_COMET"
    assert elements["name"] == "C/1995 O1 (Hale-Bopp)"
    assert elements["epochofperih"] == pytest.approx(50536.6323)  # 1997-03-29.6323
    assert elements["epochofel"] == 60799.0  # 2025-05-04
    assert elements["perihdist"] == 0.913981
    assert elements["eccentricity"] == 0.99493
    assert (elements["argofperih"], elements["longascnode"], elements["orbinc"]) == (
        130.5887,
        282.7334,
        89.4284,
    )


def test_refuses_text_that_is_not_an_element_set() -> None:
    with pytest.raises(MpcElementsError, match="MPC one-line element set"):
        elements_from_mpc("Ceres is a dwarf planet")
