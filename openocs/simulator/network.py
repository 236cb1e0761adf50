"""What a simulated site knows about its telescopes and instruments, read from configdb."""

from __future__ import annotations

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
    return InstrumentInfo(
        code=instrument.code,
        instrument_type=instrument.instrument_type.code,
        camera=camera.code if camera is not None and camera.code else instrument.code,
        pixel_scale_arcsec=scale or DEFAULT_PIXEL_SCALE_ARCSEC,
        full_size_px=size or DEFAULT_SIZE_PX,
        filters=tuple(filters),
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
