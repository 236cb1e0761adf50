"""The portal's instrument digest (``GET /api/instruments/``), derived from configdb's document.

``portal-api.md`` §17.1 and ``configdb-api.md`` §8 define the mapping. Django-free: the view
passes in the cached ``sites/`` document and the caller's role.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

JSON = Mapping[str, Any]


def telescope_class(aperture_m: float) -> str:
    """``floor(a)`` + ``m`` + ``round(10 × fraction)``: 1.0 → ``1m0``, 0.4 → ``0m4``."""
    whole = math.floor(aperture_m)
    return f"{whole}m{round(10 * (aperture_m - whole))}"


@dataclass(frozen=True)
class LocationFilter:
    """Exact, case-insensitive location filters (D9); empty values do not filter."""

    site: str = ""
    enclosure: str = ""
    telescope_class: str = ""
    telescope: str = ""
    instrument_type: str = ""

    def matches(self, site: JSON, enclosure: JSON, telescope: JSON, instrument: JSON) -> bool:
        wanted = [
            (self.site, site.get("code", "")),
            (self.enclosure, enclosure.get("code", "")),
            (self.telescope, telescope.get("code", "")),
            (self.telescope_class, telescope_class(float(telescope.get("aperture", 0.0)))),
            (self.instrument_type, (instrument.get("instrument_type") or {}).get("code", "")),
        ]
        return all(not want or want.lower() == str(have).lower() for want, have in wanted)


def _offered(instrument: JSON, *, staff: bool, only_schedulable: bool) -> bool:
    state = instrument.get("state", "DISABLED")
    if not staff or only_schedulable:
        return bool(state == "SCHEDULABLE")
    return bool(state != "DISABLED")


def _field_of_view_arcmin(camera_type: JSON | None) -> float:
    if not camera_type:
        return 0.0
    pscale = float(camera_type.get("pscale") or 0.0)
    width = float(camera_type.get("pixels_x") or 0) * pscale
    height = float(camera_type.get("pixels_y") or 0) * pscale
    return math.hypot(width, height) / 60.0


def _locations(sites: Iterable[JSON]) -> Iterable[tuple[JSON, JSON, JSON, JSON]]:
    for site in sites:
        if not site.get("active", True):
            continue
        for enclosure in site.get("enclosure_set", []):
            if not enclosure.get("active", True):
                continue
            for telescope in enclosure.get("telescope_set", []):
                if not telescope.get("active", True):
                    continue
                for instrument in telescope.get("instrument_set", []):
                    yield site, enclosure, telescope, instrument


def instrument_digest(
    sites: Iterable[JSON],
    *,
    staff: bool = False,
    only_schedulable: bool = False,
    location: LocationFilter | None = None,
) -> dict[str, dict[str, Any]]:
    """The ``/api/instruments/`` object keyed by upper-case instrument-type code.

    Non-staff callers are offered types with a SCHEDULABLE instrument; staff are offered types with
    any non-DISABLED instrument, or only SCHEDULABLE ones with ``only_schedulable``. Instruments
    on inactive sites, enclosures or telescopes are ignored.
    """
    location = location or LocationFilter()
    located = [loc for loc in _locations(sites) if location.matches(*loc)]
    offered: dict[str, list[tuple[JSON, JSON]]] = {}
    for _site, _enclosure, telescope, instrument in located:
        if _offered(instrument, staff=staff, only_schedulable=only_schedulable):
            code = str(instrument["instrument_type"]["code"]).upper()
            offered.setdefault(code, []).append((telescope, instrument))
    non_disabled: dict[str, list[JSON]] = {}
    for _site, _enclosure, _telescope, instrument in located:
        if instrument.get("state") != "DISABLED":
            code = str(instrument["instrument_type"]["code"]).upper()
            non_disabled.setdefault(code, []).append(instrument)
    return {
        code: _digest_entry(members, non_disabled.get(code, [m[1] for m in members]))
        for code, members in offered.items()
    }


def _optical_elements(instruments: list[JSON]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    seen: dict[str, set[str]] = {}
    for instrument in instruments:
        for camera in instrument.get("science_cameras", []):
            for group in camera.get("optical_element_groups", []):
                group_type = str(group.get("type", ""))
                default = str(group.get("default") or "").lower()
                elements = groups.setdefault(group_type, [])
                codes = seen.setdefault(group_type, set())
                for element in group.get("optical_elements", []):
                    code = str(element.get("code", ""))
                    if code in codes:
                        continue
                    codes.add(code)
                    elements.append({**element, "default": code.lower() == default})
    return groups


def _digest_entry(members: list[tuple[JSON, JSON]], instruments: list[JSON]) -> dict[str, Any]:
    first_telescope, first_instrument = members[0]
    instrument_type = first_instrument["instrument_type"]
    science_cameras = first_instrument.get("science_cameras") or [{}]
    science_type = science_cameras[0].get("camera_type") or {}
    autoguider_type = (first_instrument.get("autoguider_camera") or {}).get("camera_type")
    orientations = [
        float(camera.get("orientation") or 0.0)
        for instrument in instruments
        for camera in instrument.get("science_cameras", [])
    ]
    return {
        "type": instrument_type.get("instrument_category") or "None",
        "class": telescope_class(float(first_telescope.get("aperture", 0.0))),
        "name": instrument_type.get("name", ""),
        "optical_elements": _optical_elements(instruments),
        "modes": {
            group["type"]: {
                "id": group.get("id"),
                "type": group["type"],
                "modes": group.get("modes", []),
                "default": group.get("default") or "",
            }
            for group in instrument_type.get("mode_types", [])
        },
        "validation_schema": instrument_type.get("validation_schema") or {},
        "default_acceptability_threshold": instrument_type.get(
            "default_acceptability_threshold", 90.0
        ),
        "configuration_types": {
            ct["code"]: dict(ct) for ct in instrument_type.get("configuration_types", [])
        },
        "default_configuration_type": instrument_type.get("default_configuration_type") or "",
        "camera_type": {
            "science_field_of_view": _field_of_view_arcmin(science_type),
            "autoguider_field_of_view": _field_of_view_arcmin(autoguider_type),
            "pixel_scale": science_type.get("pscale"),
            "pixels_x": science_type.get("pixels_x"),
            "pixels_y": science_type.get("pixels_y"),
            "orientation": sum(orientations) / len(orientations) if orientations else 0.0,
        },
    }
