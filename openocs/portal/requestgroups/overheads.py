"""Overheads of each instrument type, read from the configuration database's ``sites/`` document.

The duration estimate (``portal-api.md`` §5) needs, per instrument type ``T``, the type's own
overheads, the overheads of its modes and configuration types, and the telescope-level and
optical-element overheads of the **first** telescope in document order that hosts an instrument
of type ``T`` (exactly as the reference portal does, so estimates agree). This module turns the
nested document into one flat, typed record per instrument type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

JSON = Mapping[str, Any]


def singular_group_type(group_type: str) -> str:
    """The request language's key for an optical-element group type (``filters`` → ``filter``)."""
    return group_type[:-1] if group_type.endswith("s") else group_type


@dataclass(frozen=True)
class InstrumentTypeOverheads:
    """Every overhead the duration estimate reads for one instrument type (seconds)."""

    code: str
    fixed_overhead_per_exposure_s: float = 1.0
    observation_front_padding_s: float = 90.0
    config_front_padding_s: float = 0.0
    acquire_exposure_time_s: float = 0.0
    # mode type ("readout", "acquisition", "guiding", ...) -> lower-case mode code -> overhead
    mode_overheads_s: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    # mode type -> lower-case default mode code ("" when the group has no default)
    mode_defaults: Mapping[str, str] = field(default_factory=dict)
    # upper-case configuration-type code -> config_change_overhead
    config_change_overheads_s: Mapping[str, float] = field(default_factory=dict)
    # singular group type ("filter") -> element_change_overhead
    element_change_overheads_s: Mapping[str, float] = field(default_factory=dict)
    instrument_change_overhead_s: float = 0.0
    slew_rate_s_per_arcsec: float = 0.0
    minimum_slew_overhead_s: float = 0.0
    maximum_slew_overhead_s: float = 0.0

    def mode_overhead_s(self, mode_type: str, code: str | None) -> float | None:
        """Overhead of mode ``code`` of ``mode_type``; ``None`` when the group has no such mode."""
        modes = self.mode_overheads_s.get(mode_type, {})
        if code is None:
            return None
        return modes.get(code.lower())

    def readout_overhead_s(self, code: str | None) -> float:
        """Readout overhead of ``code``, else of the readout group's default mode."""
        overhead = self.mode_overhead_s("readout", code)
        if overhead is not None:
            return overhead
        default = self.mode_defaults.get("readout", "")
        return self.mode_overheads_s.get("readout", {}).get(default, 0.0)


def _float(value: Any, default: float) -> float:
    return default if value is None else float(value)


def _active(*objects: JSON) -> bool:
    return all(obj.get("active", True) for obj in objects)


def _instruments_in_order(sites: Iterable[JSON]) -> Iterable[tuple[JSON, JSON, JSON, JSON]]:
    for site in sites:
        for enclosure in site.get("enclosure_set", []):
            for telescope in enclosure.get("telescope_set", []):
                for instrument in telescope.get("instrument_set", []):
                    yield site, enclosure, telescope, instrument


def _type_record(
    instrument_type: JSON, telescope: JSON, instrument: JSON
) -> InstrumentTypeOverheads:
    mode_overheads: dict[str, dict[str, float]] = {}
    mode_defaults: dict[str, str] = {}
    for group in instrument_type.get("mode_types", []):
        mode_type = str(group.get("type", ""))
        mode_overheads[mode_type] = {
            str(mode["code"]).lower(): _float(mode.get("overhead"), 0.0)
            for mode in group.get("modes", [])
        }
        mode_defaults[mode_type] = str(group.get("default") or "").lower()
    element_overheads: dict[str, float] = {}
    for camera in instrument.get("science_cameras", []):
        for group in camera.get("optical_element_groups", []):
            key = singular_group_type(str(group.get("type", "")))
            element_overheads.setdefault(key, _float(group.get("element_change_overhead"), 0.0))
    return InstrumentTypeOverheads(
        code=str(instrument_type["code"]).upper(),
        fixed_overhead_per_exposure_s=_float(
            instrument_type.get("fixed_overhead_per_exposure"), 1.0
        ),
        observation_front_padding_s=_float(instrument_type.get("observation_front_padding"), 90.0),
        config_front_padding_s=_float(instrument_type.get("config_front_padding"), 0.0),
        acquire_exposure_time_s=_float(instrument_type.get("acquire_exposure_time"), 0.0),
        mode_overheads_s=mode_overheads,
        mode_defaults=mode_defaults,
        config_change_overheads_s={
            str(ct["code"]).upper(): _float(ct.get("config_change_overhead"), 0.0)
            for ct in instrument_type.get("configuration_types", [])
        },
        element_change_overheads_s=element_overheads,
        instrument_change_overhead_s=_float(telescope.get("instrument_change_overhead"), 0.0),
        slew_rate_s_per_arcsec=_float(telescope.get("slew_rate"), 0.0),
        minimum_slew_overhead_s=_float(telescope.get("minimum_slew_overhead"), 0.0),
        maximum_slew_overhead_s=_float(telescope.get("maximum_slew_overhead"), 0.0),
    )


def overheads_by_instrument_type(sites: Iterable[JSON]) -> dict[str, InstrumentTypeOverheads]:
    """One record per (upper-case) instrument-type code in the ``sites/`` document.

    The telescope-level and element-change overheads come from the first instrument of the type
    in document order that is not DISABLED and sits on an active site, enclosure and telescope;
    a type with no such instrument falls back to its first instrument of any state.
    """
    chosen: dict[str, InstrumentTypeOverheads] = {}
    fallback: dict[str, InstrumentTypeOverheads] = {}
    for site, enclosure, telescope, instrument in _instruments_in_order(sites):
        instrument_type = instrument.get("instrument_type") or {}
        if "code" not in instrument_type:
            continue
        code = str(instrument_type["code"]).upper()
        usable = instrument.get("state") != "DISABLED" and _active(site, enclosure, telescope)
        target = chosen if usable else fallback
        if code not in target:
            target[code] = _type_record(instrument_type, telescope, instrument)
    return {**fallback, **chosen}
