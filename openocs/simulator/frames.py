"""Simulated raw frames: fpack-compressed FITS with the headers the archive and reducers read.

One :class:`FrameSpec` describes one exposure (where, what, when, for whom); :func:`write_frame`
renders its image — bias level, read noise, dark current, sky background, a seeded star field with
the target at the pointing, or a vignetted twilight flat — and writes ``<basename>.fits.fz``: an
empty primary HDU and a Rice-compressed ``SCI`` image extension (``astropy.io.fits.CompImageHDU``,
what ``fpack`` makes) holding every header, with a gnomonic (``RA---TAN``) WCS centred on the
pointing. The same spec always gives the same bytes, so a frame written twice is one file.

Header names follow LCO's raw frames (``SITEID``, ``TELID``, ``INSTRUME``, ``REQNUM``,
``BLKUID``, ``RLEVEL``, ``L1PUBDAT`` …) so the ingester derives the archive record unchanged.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["FrameSpec", "day_obs", "format_dec", "format_ra", "render_image", "write_frame"]

#: Frame-type letter of the LCO file name, by OBSTYPE.
TYPE_LETTERS = {"BIAS": "b", "DARK": "d", "SKYFLAT": "f", "LAMPFLAT": "w", "STANDARD": "s"}
CALIBRATION_TYPES = frozenset({"BIAS", "DARK", "SKYFLAT", "LAMPFLAT"})
BIAS_LEVEL_ADU = 1000.0
READ_NOISE_ADU = 7.5
DARK_CURRENT_ADU_S = 0.02
FLAT_LEVEL_ADU = 25000.0
SATURATION_ADU = 65535


@dataclass(frozen=True)
class FrameSpec:
    """Everything one exposure's frame records (times aware UTC, angles in degrees)."""

    site: str
    enclosure: str
    telescope: str
    telescope_serial: str
    instrument: str
    instrument_type: str
    obstype: str
    date_obs: datetime
    exposure_time_s: float
    frame_number: int
    proposal_id: str
    public_date: datetime
    ra_deg: float = 0.0
    dec_deg: float = 0.0
    object_name: str = "N/A"
    filter_name: str = "air"
    request_id: int | None = None
    request_group_id: int | None = None
    request_group_name: str = ""
    observation_id: int | None = None
    configuration_id: int | None = None
    configuration_status_id: int | None = None
    submitter: str = ""
    exposure_index: int = 1
    exposure_count: int = 1
    site_longitude_deg: float = 0.0
    site_latitude_deg: float = 0.0
    site_elevation_m: float = 0.0
    pixel_scale_arcsec: float = 0.389
    size_px: int = 512
    seeing_arcsec: float = 2.0
    sky_adu_s: float = 4.0
    airmass: float = 1.0
    extra_headers: dict[str, Any] = field(default_factory=dict)

    @property
    def is_calibration(self) -> bool:
        return self.obstype in CALIBRATION_TYPES

    @property
    def day_obs(self) -> str:
        return day_obs(self.date_obs, self.site_longitude_deg)

    @property
    def basename(self) -> str:
        """``<site><serial>-<instrument>-<DAY-OBS>-<frame>-<type>00`` (LCO raw frame names)."""
        letter = TYPE_LETTERS.get(self.obstype, "e")
        return (
            f"{self.site}{self.telescope_serial}-{self.instrument}-{self.day_obs}-"
            f"{self.frame_number:04d}-{letter}00"
        )

    @property
    def filename(self) -> str:
        return self.basename + ".fits.fz"

    @property
    def seed(self) -> int:
        """The noise seed: a stable digest of the frame's identity."""
        identity = f"{self.basename}|{self.observation_id}|{self.configuration_status_id}"
        return int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big")

    @property
    def field_seed(self) -> int:
        """The star-field seed: a stable digest of the pointing (same field, same stars)."""
        pointing = f"{self.ra_deg:.3f}|{self.dec_deg:.3f}"
        return int.from_bytes(hashlib.sha256(pointing.encode()).digest()[:8], "big")


def day_obs(moment: datetime, longitude_deg: float) -> str:
    """The observing night's date ``YYYYMMDD``: the local mean solar date at the noon before."""
    local = moment.astimezone(UTC) + timedelta(hours=longitude_deg / 15.0 - 12.0)
    return local.strftime("%Y%m%d")


def format_ra(ra_deg: float) -> str:
    """Right ascension as ``HH:MM:SS.sss``."""
    total_ms = round((ra_deg % 360.0) / 15.0 * 3600.0 * 1000.0) % (24 * 3600 * 1000)
    hours, rest = divmod(total_ms, 3600 * 1000)
    minutes, rest = divmod(rest, 60 * 1000)
    return f"{hours:02d}:{minutes:02d}:{rest / 1000.0:06.3f}"


def format_dec(dec_deg: float) -> str:
    """Declination as ``±DD:MM:SS.ss``."""
    sign = "-" if dec_deg < 0 else "+"
    total_cs = round(abs(dec_deg) * 3600.0 * 100.0)
    degrees, rest = divmod(total_cs, 3600 * 100)
    minutes, rest = divmod(rest, 60 * 100)
    return f"{sign}{degrees:02d}:{minutes:02d}:{rest / 100.0:05.2f}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def _star_field(spec: FrameSpec, image: NDArray[np.float64]) -> None:
    """Add the field's stars (seeded by the pointing) and the target at the centre."""
    import numpy as np

    size = spec.size_px
    rng = np.random.default_rng(spec.field_seed)
    count = max(20, size * size // 1500)
    xs = rng.uniform(-5, size + 5, count)
    ys = rng.uniform(-5, size + 5, count)
    # a power-law luminosity function: many faint stars, a few bright ones (ADU per second)
    rates = 40.0 * (1.0 - rng.uniform(0.0, 0.995, count)) ** -1.4
    centre = (size - 1) / 2.0
    xs = np.append(xs, centre)
    ys = np.append(ys, centre)
    rates = np.append(rates, 4000.0)
    sigma_px = max(spec.seeing_arcsec / spec.pixel_scale_arcsec / 2.3548, 0.6)
    half = math.ceil(4 * sigma_px)
    offsets = np.arange(-half, half + 1)
    exposure = max(spec.exposure_time_s, 0.0) / max(spec.airmass, 1.0) ** 0.2
    # every star's stamp at once: one (stars × stamp × stamp) array summed into the image with
    # bincount (a Python loop over 175 stars took half the rendering time of a 512-px frame)
    ix, iy = np.rint(xs).astype(np.int64), np.rint(ys).astype(np.int64)
    cols = ix[:, None] + offsets[None, :]  # (stars, stamp)
    rows = iy[:, None] + offsets[None, :]
    gx = np.exp(-0.5 * ((cols - xs[:, None]) / sigma_px) ** 2) * ((cols >= 0) & (cols < size))
    gy = np.exp(-0.5 * ((rows - ys[:, None]) / sigma_px) ** 2) * ((rows >= 0) & (rows < size))
    flux = rates * exposure / (2 * math.pi * sigma_px**2)
    stamps = flux[:, None, None] * gy[:, :, None] * gx[:, None, :]  # (stars, row, col)
    where = np.clip(rows, 0, size - 1)[:, :, None] * size + np.clip(cols, 0, size - 1)[:, None, :]
    image += np.bincount(where.ravel(), weights=stamps.ravel(), minlength=size * size).reshape(
        size, size
    )


def render_image(spec: FrameSpec) -> NDArray[np.uint16]:
    """The frame's pixels (ADU, unsigned 16 bit), deterministic for a spec."""
    import numpy as np

    size = spec.size_px
    rng = np.random.default_rng(spec.seed)
    image = np.zeros((size, size), dtype=np.float64)
    if spec.obstype == "SKYFLAT":
        yy, xx = np.mgrid[0:size, 0:size]
        radius2 = ((xx - size / 2) ** 2 + (yy - size / 2) ** 2) / (size / 2) ** 2
        image += FLAT_LEVEL_ADU * (1.0 - 0.08 * radius2)
    elif spec.obstype == "DARK":
        image += DARK_CURRENT_ADU_S * spec.exposure_time_s
    elif spec.obstype != "BIAS":
        image += spec.sky_adu_s * max(spec.exposure_time_s, 0.0) * spec.airmass
        _star_field(spec, image)
    noise = np.sqrt(np.clip(image, 0.0, None) + READ_NOISE_ADU**2).astype(np.float32)
    image += BIAS_LEVEL_ADU + rng.standard_normal((size, size), dtype=np.float32) * noise
    return np.clip(np.rint(image), 0, SATURATION_ADU).astype(np.uint16)


def frame_header(spec: FrameSpec) -> dict[str, Any]:
    """The frame's header cards (keyword → value or (value, comment)), in order."""
    end = spec.date_obs + timedelta(seconds=spec.exposure_time_s)
    scale_deg = spec.pixel_scale_arcsec / 3600.0
    centre = (spec.size_px + 1) / 2.0
    cards: dict[str, Any] = {
        "ORIGIN": ("OpenOCS", "simulated by ocs site simulate"),
        "SITEID": (spec.site, "ID code of the observatory site"),
        "ENCID": (spec.enclosure, "ID code of the enclosure"),
        "TELID": (spec.telescope, "ID code of the telescope"),
        "TELESCOP": (f"{spec.telescope}-{spec.telescope_serial}", "telescope used"),
        "LATITUDE": (round(spec.site_latitude_deg, 6), "[deg] site latitude"),
        "LONGITUD": (round(spec.site_longitude_deg, 6), "[deg east] site longitude"),
        "HEIGHT": (round(spec.site_elevation_m, 1), "[m] site elevation"),
        "INSTRUME": (spec.instrument, "instrument used"),
        "INSTYPE": (spec.instrument_type, "instrument type"),
        "OBSTYPE": (spec.obstype, "type of observation"),
        "FILTER": (spec.filter_name, "filter used"),
        "OBJECT": (spec.object_name, "target name"),
        "RA": (format_ra(spec.ra_deg), "[HH:MM:SS.sss] pointing right ascension"),
        "DEC": (format_dec(spec.dec_deg), "[sDD:MM:SS.ss] pointing declination"),
        "CAT-RA": format_ra(spec.ra_deg),
        "CAT-DEC": format_dec(spec.dec_deg),
        "AIRMASS": (round(spec.airmass, 4), "effective airmass"),
        "DATE-OBS": (_stamp(spec.date_obs), "[UTC] start of the exposure"),
        "DAY-OBS": (spec.day_obs, "[YYYYMMDD] date at the start of the local night"),
        "UTSTART": spec.date_obs.astimezone(UTC).strftime("%H:%M:%S.%f")[:-3],
        "UTSTOP": end.astimezone(UTC).strftime("%H:%M:%S.%f")[:-3],
        "MJD-OBS": (
            round((spec.date_obs - datetime(1858, 11, 17, tzinfo=UTC)).total_seconds() / 86400, 8),
            "[day] modified Julian date at the start",
        ),
        "EXPTIME": (round(spec.exposure_time_s, 3), "[s] exposure time"),
        "REQTIME": (round(spec.exposure_time_s, 3), "[s] requested exposure time"),
        "FRAMENUM": (spec.frame_number, "frame number of the night"),
        "EXPNUM": (spec.exposure_index, "exposure of the configuration"),
        "EXPCOUNT": (spec.exposure_count, "exposures in the configuration"),
        "PROPID": (spec.proposal_id, "proposal id"),
        "USERID": spec.submitter or "N/A",
        "GROUPID": spec.request_group_name or "N/A",
        "TRACKNUM": (spec.request_group_id or "N/A", "request group id"),
        "REQNUM": (spec.request_id or "N/A", "request id"),
        "BLKUID": (spec.observation_id or "N/A", "observation id"),
        "MOLUID": (spec.configuration_id or "N/A", "configuration id"),
        "CONFSTAT": (spec.configuration_status_id or "N/A", "configuration status id"),
        "RLEVEL": (0, "reduction level (0: raw)"),
        "L1PUBDAT": (_stamp(spec.public_date), "[UTC] date the frame becomes public"),
        "PIXSCALE": (spec.pixel_scale_arcsec, "[arcsec/pixel] nominal pixel scale"),
        "GAIN": (1.0, "[e-/ADU]"),
        "RDNOISE": (READ_NOISE_ADU, "[e-] read noise"),
        "SATURATE": (SATURATION_ADU, "[ADU] saturation level"),
        "CCDSUM": "1 1",
        "RADESYS": "ICRS",
        "EQUINOX": 2000.0,
        "CTYPE1": "RA---TAN",
        "CTYPE2": "DEC--TAN",
        "CUNIT1": "deg",
        "CUNIT2": "deg",
        "CRPIX1": centre,
        "CRPIX2": centre,
        "CRVAL1": (round(spec.ra_deg % 360.0, 8), "[deg] RA at the reference pixel"),
        "CRVAL2": (round(spec.dec_deg, 8), "[deg] Dec at the reference pixel"),
        "CD1_1": -scale_deg,
        "CD1_2": 0.0,
        "CD2_1": 0.0,
        "CD2_2": scale_deg,
        "ORIGNAME": spec.basename,
    }
    cards.update(spec.extra_headers)
    return cards


def frame_bytes(spec: FrameSpec) -> bytes:
    """The complete ``.fits.fz`` file of a spec."""
    import io

    from astropy.io import fits

    header = fits.Header()
    for keyword, value in frame_header(spec).items():
        header[keyword] = value
    primary = fits.PrimaryHDU()
    # tiles of up to 128 rows (any tiling is valid fpack): faster than 16 rows or row by row,
    # and the same size
    science = fits.CompImageHDU(
        data=render_image(spec),
        header=header,
        compression_type="RICE_1",
        name="SCI",
        tile_shape=(min(128, spec.size_px), spec.size_px),
    )
    buffer = io.BytesIO()
    fits.HDUList([primary, science]).writeto(buffer)
    return buffer.getvalue()


def write_frame(spec: FrameSpec, directory: Path) -> Path:
    """Write the frame into ``directory`` (created if needed); return its path.

    Writes to a temporary name then renames, so a crash never leaves half a frame behind.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / spec.filename
    partial = directory / (spec.filename + ".part")
    partial.write_bytes(frame_bytes(spec))
    partial.replace(path)
    return path
