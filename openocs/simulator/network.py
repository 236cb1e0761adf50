"""What a simulated site knows about its telescopes and instruments, read from configdb."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from openocs.clients.configdb import Instrument, Network

__all__ = ["InstrumentInfo", "TelescopeInfo", "site_telescopes"]

DEFAULT_PIXEL_SCALE_ARCSEC = 0.389
DEFAULT_SIZE_PX = 4096


@dataclass(frozen=True)
class InstrumentInfo:
    code: str
    instrument_type: str
    camera: str
    pixel_scale_arcsec: float
    full_size_px: int
    filters: tuple[str, ...] = ()
    fixed_overhead_per_exposure_s: float = 0.0
    readout_overheads_s: Mapping[str, float] = field(default_factory=dict)
    """Lower-case readout-mode code → its overhead (seconds)."""
    default_readout_mode: str = ""

    def readout_overhead_s(self, mode: str | None) -> float:
        """The overhead of readout mode ``mode``, else of the default mode (as the portal's
        duration estimate, ``portal-api.md`` §5.1)."""
        overheads = self.readout_overheads_s
        if mode and mode.lower() in overheads:
            return overheads[mode.lower()]
        return overheads.get(self.default_readout_mode.lower(), 0.0)

    def exposure_duration_s(self, exposure_time_s: float, mode: str | None) -> float:
        """How long one exposure occupies the telescope: exposure time + readout overhead of
        its mode + the instrument type's fixed per-exposure overhead (§5.1)."""
        return (
            max(exposure_time_s, 0.0)
            + self.readout_overhead_s(mode)
            + self.fixed_overhead_per_exposure_s
        )


@dataclass(frozen=True)
class TelescopeInfo:
    site: str
    enclosure: str
    telescope: str
    serial: str
    latitude_deg: float
    longitude_deg: float
    elevation_m: float
    instruments: dict[str, InstrumentInfo] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """``site.enclosure.telescope``."""
        return f"{self.site}.{self.enclosure}.{self.telescope}"

    def instrument(self, code: str, instrument_type: str = "") -> InstrumentInfo:
        """The instrument ``code``, else the first of ``instrument_type``, else a stand-in."""
        if code in self.instruments:
            return self.instruments[code]
        for info in self.instruments.values():
            if instrument_type and info.instrument_type == instrument_type:
                return info
        return InstrumentInfo(
            code=code or "xx00",
            instrument_type=instrument_type,
            camera=code or "xx00",
            pixel_scale_arcsec=DEFAULT_PIXEL_SCALE_ARCSEC,
            full_size_px=DEFAULT_SIZE_PX,
        )


def _instrument_info(instrument: Instrument) -> InstrumentInfo:
    camera = instrument.science_cameras[0] if instrument.science_cameras else None
    camera_type = camera.camera_type if camera is not None else None
    scale = camera_type.pscale if camera_type is not None and camera_type.pscale > 0 else 0.0
    size = max(camera_type.pixels_x, camera_type.pixels_y) if camera_type is not None else 0
    filters: list[str] = []
    if camera is not None:
        for group in camera.optical_element_groups:
            filters.extend(element.code for element in group.optical_elements)
    readout = next(
        (group for group in instrument.instrument_type.mode_types if group.type == "readout"),
        None,
    )
    return InstrumentInfo(
        code=instrument.code,
        instrument_type=instrument.instrument_type.code,
        camera=camera.code if camera is not None and camera.code else instrument.code,
        pixel_scale_arcsec=scale or DEFAULT_PIXEL_SCALE_ARCSEC,
        full_size_px=size or DEFAULT_SIZE_PX,
        filters=tuple(filters),
        fixed_overhead_per_exposure_s=instrument.instrument_type.fixed_overhead_per_exposure,
        readout_overheads_s=(
            {mode.code.lower(): mode.overhead for mode in readout.modes} if readout else {}
        ),
        default_readout_mode=readout.default if readout else "",
    )


def site_telescopes(network: Network, site: str) -> list[TelescopeInfo]:
    """The active telescopes of ``site`` with their non-disabled instruments."""
    telescopes = []
    for location in network.telescopes:
        if location.site.code != site or not location.telescope.active:
            continue
        telescope = location.telescope
        telescopes.append(
            TelescopeInfo(
                site=site,
                enclosure=location.enclosure.code,
                telescope=telescope.code,
                serial=telescope.serial_number or telescope.code,
                latitude_deg=telescope.lat or location.site.lat,
                longitude_deg=telescope.long or location.site.long,
                elevation_m=location.site.elevation,
                instruments={
                    i.code: _instrument_info(i)
                    for i in telescope.instrument_set
                    if i.state != "DISABLED"
                },
            )
        )
    return telescopes
