"""The portal's view of the configuration database, as the request rules need it.

The document comes from configdb through ``openocs.clients`` (in-process when co-hosted); this
module never touches configdb's models. When no document can be had the portal answers 503 with
the contract's configdb-down message instead of misleading "invalid choice" errors (D4).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from openocs.portal.requestgroups.digest import (
    LocationFilter,
    instrument_digest,
    telescope_class,
)
from openocs.portal.requestgroups.overheads import (
    InstrumentTypeOverheads,
    overheads_by_instrument_type,
    singular_group_type,
)

JSON = Mapping[str, Any]

CONFIGDB_DOWN_MESSAGE = (
    "ConfigDB connection is currently down, please wait a few minutes and try again. "
    "If this problem persists then please contact support."
)


@dataclass(frozen=True)
class TelescopeInfo:
    """A telescope of the network with what visibility and location rules need."""

    site: str
    enclosure: str
    code: str
    telescope_class: str
    latitude_deg: float
    longitude_deg: float
    elevation_m: float
    horizon_deg: float
    ha_limit_neg_hours: float
    ha_limit_pos_hours: float
    zenith_blind_spot_deg: float
    # instrument-type code (upper case) -> instrument states present on this telescope
    instrument_states: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """``site.enclosure.telescope``."""
        return f"{self.site}.{self.enclosure}.{self.code}"

    def offers(self, instrument_type: str, *, include_non_schedulable: bool) -> bool:
        states = self.instrument_states.get(instrument_type.upper(), frozenset())
        if include_non_schedulable:
            return bool(states - {"DISABLED"})
        return "SCHEDULABLE" in states


class PortalConfiguration:
    """One configdb ``sites/`` document with the lookups the request rules use."""

    def __init__(self, sites: Iterable[JSON]) -> None:
        self.sites: list[JSON] = list(sites)
        self._digests: dict[tuple[bool, LocationFilter | None], dict[str, Any]] = {}
        self.visibility_cache: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        """Visibility results computed against this document (portal-api.md §6: per payload
        hash, five minutes); a new document starts empty, which is the invalidation."""

    @cached_property
    def overheads(self) -> dict[str, InstrumentTypeOverheads]:
        return overheads_by_instrument_type(self.sites)

    def digest(self, *, staff: bool, location: LocationFilter | None = None) -> dict[str, Any]:
        """The instrument digest, computed once per (role, location) for this document.

        Callers must not modify the returned mapping (it is shared). A filter that filters
        nothing is the same as none: one digest for both (the view always passes a filter,
        the warm-up none)."""
        if location == LocationFilter():
            location = None
        key = (staff, location)
        cached = self._digests.get(key)
        if cached is None:
            cached = self._digests[key] = instrument_digest(
                self.sites, staff=staff, location=location
            )
        return cached

    @cached_property
    def telescopes(self) -> list[TelescopeInfo]:
        """Telescopes on active sites, enclosures and telescopes, in document order."""
        result = []
        for site in self.sites:
            if not site.get("active", True):
                continue
            for enclosure in site.get("enclosure_set", []):
                if not enclosure.get("active", True):
                    continue
                for telescope in enclosure.get("telescope_set", []):
                    if not telescope.get("active", True):
                        continue
                    states: dict[str, set[str]] = {}
                    for instrument in telescope.get("instrument_set", []):
                        code = str((instrument.get("instrument_type") or {}).get("code", ""))
                        states.setdefault(code.upper(), set()).add(str(instrument.get("state")))
                    result.append(
                        TelescopeInfo(
                            site=str(site["code"]),
                            enclosure=str(enclosure["code"]),
                            code=str(telescope["code"]),
                            telescope_class=telescope_class(float(telescope.get("aperture", 0.0))),
                            latitude_deg=float(telescope.get("lat", site.get("lat", 0.0))),
                            longitude_deg=float(telescope.get("long", site.get("long", 0.0))),
                            elevation_m=float(site.get("elevation") or 0.0),
                            horizon_deg=float(telescope.get("horizon", 15.0)),
                            ha_limit_neg_hours=float(telescope.get("ha_limit_neg", -12.0)),
                            ha_limit_pos_hours=float(telescope.get("ha_limit_pos", 12.0)),
                            zenith_blind_spot_deg=float(telescope.get("zenith_blind_spot") or 0.0),
                            instrument_states={k: frozenset(v) for k, v in states.items()},
                        )
                    )
        return result

    @cached_property
    def telescope_classes(self) -> list[str]:
        return sorted({t.telescope_class for t in self.telescopes})

    def site_codes(self) -> list[str]:
        return sorted({str(site["code"]) for site in self.sites if site.get("active", True)})

    def enclosure_codes(self, site: str) -> list[str]:
        return sorted({t.enclosure for t in self.telescopes if t.site == site})

    def telescope_codes(self, site: str, enclosure: str) -> list[str]:
        return sorted(
            {t.code for t in self.telescopes if (t.site, t.enclosure) == (site, enclosure)}
        )

    def offered_instrument_types(self, *, staff: bool) -> list[str]:
        """Types offered anywhere: SCHEDULABLE for everyone, any non-DISABLED state for staff."""
        return sorted(self.digest(staff=staff))

    def instrument_type(self, code: str) -> dict[str, Any] | None:
        """The configdb instrument-type object of ``code`` (case-insensitive), if any instrument
        of the network has it."""
        for site in self.sites:
            for enclosure in site.get("enclosure_set", []):
                for telescope in enclosure.get("telescope_set", []):
                    for instrument in telescope.get("instrument_set", []):
                        itype = instrument.get("instrument_type") or {}
                        if str(itype.get("code", "")).upper() == code.upper():
                            return dict(itype)
        return None

    def configuration_type_codes(self) -> set[str]:
        codes: set[str] = set()
        for entry in self.digest(staff=True).values():
            codes.update(code.upper() for code in entry["configuration_types"])
        return codes

    def optical_element_groups(self, instrument_type: str) -> dict[str, list[dict[str, Any]]]:
        """Singular group type → elements of the type's non-disabled instruments."""
        entry = self.digest(staff=True).get(instrument_type.upper())
        if entry is None:
            return {}
        return {singular_group_type(k): v for k, v in entry["optical_elements"].items()}

    def max_rois_and_pixels(self, instrument_type: str) -> tuple[int, int, int]:
        """(max_rois, pixels_x, pixels_y) of the type's first science camera."""
        for site in self.sites:
            for enclosure in site.get("enclosure_set", []):
                for telescope in enclosure.get("telescope_set", []):
                    for instrument in telescope.get("instrument_set", []):
                        itype = instrument.get("instrument_type") or {}
                        if str(itype.get("code", "")).upper() != instrument_type.upper():
                            continue
                        cameras = instrument.get("science_cameras") or [{}]
                        camera_type = cameras[0].get("camera_type") or {}
                        return (
                            int(camera_type.get("max_rois") or 0),
                            int(camera_type.get("pixels_x") or 0),
                            int(camera_type.get("pixels_y") or 0),
                        )
        return 0, 0, 0

    def candidate_telescopes(
        self,
        *,
        location: Mapping[str, str],
        instrument_types: Iterable[str],
        include_non_schedulable: bool,
    ) -> list[TelescopeInfo]:
        """Telescopes matching the location that host **every** instrument type (D10)."""
        types = [t.upper() for t in instrument_types]
        result = []
        for telescope in self.telescopes:
            if (
                location.get("telescope_class")
                and telescope.telescope_class != location["telescope_class"]
            ):
                continue
            if location.get("site") and telescope.site != location["site"]:
                continue
            if location.get("enclosure") and telescope.enclosure != location["enclosure"]:
                continue
            if location.get("telescope") and telescope.code != location["telescope"]:
                continue
            if all(
                telescope.offers(t, include_non_schedulable=include_non_schedulable) for t in types
            ):
                result.append(telescope)
        return result


_memo: dict[str, Any] = {}


def load_portal_configuration() -> PortalConfiguration:
    """The current configdb document, from the shared (cached, revalidated) configdb client.

    Raises :class:`openocs.web.exceptions.ServiceUnavailable` (503) with the contract's message
    when configdb cannot be reached and no usable cached copy exists.
    """
    from openocs.clients.errors import ClientError
    from openocs.web.clients import configdb_client
    from openocs.web.exceptions import ServiceUnavailable

    try:
        network = configdb_client().network()
    except ClientError as error:
        raise ServiceUnavailable(CONFIGDB_DOWN_MESSAGE) from error
    if _memo.get("network") is not network:
        sites = [site.model_dump(mode="json") for site in network.sites]
        _memo["configuration"] = PortalConfiguration(sites)
        _memo["network"] = network
    configuration: PortalConfiguration = _memo["configuration"]
    return configuration
