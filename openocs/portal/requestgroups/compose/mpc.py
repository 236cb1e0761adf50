"""Orbital elements pasted as one line of the Minor Planet Center's formats.

Two formats: the minor-planet line of ``MPCORB.DAT`` (packed epoch, mean anomaly, argument of
perihelion, node, inclination, eccentricity, daily motion, semi-major axis) and the comet line of
``CometEls.txt`` (time of perihelion, perihelion distance, eccentricity, angles, epoch). Fields are
read by their order, not their columns, so a line that lost its spacing in a copy still reads.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_MJD_ZERO = date(1858, 11, 17)
_CENTURY = {"I": 1800, "J": 1900, "K": 2000}
_NUMBER = r"[-+]?\d+(?:\.\d*)?"
_MINOR_PLANET = re.compile(
    rf"^\s*(?P<designation>\S+)\s+(?:(?P<h>{_NUMBER})\s+(?P<g>{_NUMBER})\s+)?"
    rf"(?P<epoch>[IJK]\d\d[1-9A-C][1-9A-V])\s+(?P<meananom>{_NUMBER})\s+"
    rf"(?P<argofperih>{_NUMBER})\s+(?P<longascnode>{_NUMBER})\s+(?P<orbinc>{_NUMBER})\s+"
    rf"(?P<eccentricity>{_NUMBER})\s+(?P<dailymot>{_NUMBER})\s+(?P<meandist>{_NUMBER})"
    r"(?P<rest>.*)$"
)
_COMET = re.compile(
    rf"^\s*(?P<designation>.{{0,12}}?)\s*(?P<year>\d{{4}})\s+(?P<month>\d{{1,2}})\s+"
    rf"(?P<day>\d{{1,2}}\.\d+)\s+(?P<perihdist>{_NUMBER})\s+(?P<eccentricity>{_NUMBER})\s+"
    rf"(?P<argofperih>{_NUMBER})\s+(?P<longascnode>{_NUMBER})\s+(?P<orbinc>{_NUMBER})\s+"
    r"(?P<epoch>\d{8})(?P<rest>.*)$"
)
_READABLE_NAME = re.compile(r"\(\d+\)\s+[^\d]\S*(?:\s[^\d\s]\S*)*")
_COMET_NAME = re.compile(r"\s*(?:[-+]?\d+\.\d+\s+){0,2}(?P<name>\S.*?)(?:\s{2,}|$)")


class MpcElementsError(ValueError):
    """The text is not one line of either MPC format."""

    def __init__(self) -> None:
        super().__init__(
            "That is not an MPC one-line element set: paste one line of MPCORB.DAT (minor "
            "planets) or CometEls.txt (comets)."
        )


def mjd(day: date, fraction: float = 0.0) -> float:
    return float((day - _MJD_ZERO).days) + fraction


def _packed_digit(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def unpack_epoch_mjd(packed: str) -> float:
    """MPC packed date (``K2555`` = 2025 May 5) → MJD at 0h TT."""
    year = _CENTURY[packed[0]] + int(packed[1:3])
    return mjd(date(year, _packed_digit(packed[3]), _packed_digit(packed[4])))


def elements_from_mpc(text: str) -> dict[str, Any]:
    """The ``ORBITAL_ELEMENTS`` target of one pasted line (MPC_MINOR_PLANET or MPC_COMET)."""
    line = next((row for row in text.splitlines() if row.strip()), "")
    planet = _MINOR_PLANET.match(line)
    if planet is not None:
        names = _READABLE_NAME.search(planet["rest"])
        return {
            "type": "ORBITAL_ELEMENTS",
            "scheme": "MPC_MINOR_PLANET",
            "name": (names.group(0).strip() if names else planet["designation"])[:50],
            "epochofel": unpack_epoch_mjd(planet["epoch"]),
            **{
                key: float(planet[key])
                for key in (
                    "meananom",
                    "argofperih",
                    "longascnode",
                    "orbinc",
                    "eccentricity",
                    "dailymot",
                    "meandist",
                )
            },
        }
    comet = _COMET.match(line)
    if comet is not None:
        day = float(comet["day"])
        perihelion = mjd(date(int(comet["year"]), int(comet["month"]), int(day)), day % 1.0)
        epoch = comet["epoch"]
        names = _COMET_NAME.match(comet["rest"])
        return {
            "type": "ORBITAL_ELEMENTS",
            "scheme": "MPC_COMET",
            "name": (names["name"] if names else comet["designation"].strip())[:50],
            "epochofel": mjd(date(int(epoch[:4]), int(epoch[4:6]), int(epoch[6:]))),
            "epochofperih": round(perihelion, 6),
            **{
                key: float(comet[key])
                for key in ("perihdist", "eccentricity", "argofperih", "longascnode", "orbinc")
            },
        }
    raise MpcElementsError()
