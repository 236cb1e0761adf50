"""The footprint of a frame on the sky (spec §9.4, deviation D36).

A GeoJSON polygon ``{"type": "Polygon", "coordinates": [[[ra, dec], ...]]}`` with RA in
[0, 360), from either the ``RADIUS``/``RA``/``DEC`` keywords (a box with cos(dec) applied) or the
four image corners through the full WCS.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
from astropy.coordinates import Angle
from astropy.io import fits
from astropy.wcs import WCS

from openocs.ingester.settings import HeaderKeys

CD_KEYS = ("CD1_1", "CD1_2", "CD2_1", "CD2_2", "NAXIS1", "NAXIS2")


def _polygon(corners: list[tuple[float, float]]) -> dict[str, Any]:
    ring = [[round(ra % 360.0, 8) % 360.0, round(dec, 8)] for ra, dec in corners]
    ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring]}


def _angle_deg(value: Any, *, hours: bool) -> float:
    if isinstance(value, int | float):
        return float(value) * (15.0 if hours else 1.0)
    text = str(value).strip()
    try:
        return float(text) * (15.0 if hours else 1.0)
    except ValueError:
        unit = "hourangle" if hours else "deg"
        return float(Angle(text, unit=unit).deg)


def radius_box(headers: Mapping[str, Any], keys: HeaderKeys) -> dict[str, Any] | None:
    """A box of ± ``RADIUS`` arcsec around ``RA`` (hours) / ``DEC`` (degrees), or None."""
    try:
        radius_deg = float(headers[keys.radius]) / 3600.0
        ra = _angle_deg(headers[keys.ra], hours=True)
        dec = _angle_deg(headers[keys.dec], hours=False)
    except (KeyError, ValueError, TypeError):
        return None
    cos_dec = math.cos(math.radians(dec))
    half_ra = 180.0 if cos_dec < 1e-9 else min(radius_deg / cos_dec, 180.0)
    low, high = max(dec - radius_deg, -90.0), min(dec + radius_deg, 90.0)
    return _polygon(
        [(ra - half_ra, low), (ra - half_ra, high), (ra + half_ra, high), (ra + half_ra, low)]
    )


def _tan_corners(header: Mapping[str, Any], n1: int, n2: int) -> list[tuple[float, float]] | None:
    """Corners through a plain gnomonic (TAN) WCS without distortions, or None if not one.

    The inverse gnomonic projection with the default LONPOLE of 180° (FITS WCS paper II),
    the same transformation wcslib applies to such a header.
    """
    if header.get("CTYPE1") != "RA---TAN" or header.get("CTYPE2") != "DEC--TAN":
        return None
    if any(key.startswith(("PV", "A_", "B_", "LONPOLE", "LATPOLE")) for key in header):
        return None
    if str(header.get("RADESYS", "ICRS")).strip() not in {"ICRS", "FK5", ""}:
        return None
    try:
        crval1, crval2 = float(header["CRVAL1"]), float(header["CRVAL2"])
        crpix1, crpix2 = float(header["CRPIX1"]), float(header["CRPIX2"])
        cd = np.array(
            [[float(header["CD1_1"]), float(header["CD1_2"])],
             [float(header["CD2_1"]), float(header["CD2_2"])]]
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None
    pixels = np.array([[1, 1], [1, n2], [n1, n2], [n1, 1]], dtype=float)
    offsets = pixels - np.array([crpix1, crpix2])
    xi, eta = np.radians(offsets @ cd.T).T
    dec0, ra0 = math.radians(crval2), math.radians(crval1)
    denominator = math.cos(dec0) - eta * math.sin(dec0)
    ra = np.degrees(ra0 + np.arctan2(xi, denominator))
    dec = np.degrees(np.arctan2(math.sin(dec0) + eta * math.cos(dec0), np.hypot(xi, denominator)))
    return [(float(r), float(d)) for r, d in zip(ra, dec, strict=True)]


def wcs_corners(header: fits.Header | Mapping[str, Any]) -> dict[str, Any] | None:
    """The world coordinates of pixels (1,1), (1,N2), (N1,N2), (N1,1), or None."""
    if any(key not in header for key in CD_KEYS):
        return None
    try:
        if int(header.get("NAXIS3", 1)) == 1 and int(header.get("NAXIS", 2)) <= 3:
            fast = _tan_corners(header, int(header["NAXIS1"]), int(header["NAXIS2"]))
            if fast is not None:
                return _polygon(fast)
    except (TypeError, ValueError):
        return None
    try:
        naxis3 = int(header.get("NAXIS3", 1))
        if naxis3 != 1 or int(header.get("NAXIS", 2)) > 3:
            return None
        n1, n2 = int(header["NAXIS1"]), int(header["NAXIS2"])
        card_header = header if isinstance(header, fits.Header) else fits.Header(dict(header))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wcs = WCS(card_header, naxis=2)
            pixels = np.array([[1, 1], [1, n2], [n1, n2], [n1, 1]], dtype=float)
            world = wcs.all_pix2world(pixels, 1)
    except (ValueError, TypeError, KeyError, MemoryError, AttributeError, IndexError):
        return None  # astropy's WCS errors (WcsError and subclasses) are ValueErrors
    if not np.all(np.isfinite(world)):
        return None
    return _polygon([(float(ra), float(dec)) for ra, dec in world])


def footprint(header: fits.Header | Mapping[str, Any], keys: HeaderKeys) -> dict[str, Any] | None:
    """The frame's footprint by the rules of spec §9.4, or None."""
    if keys.radius in header and keys.ra in header and keys.dec in header:
        return radius_box(header, keys)
    return wcs_corners(header)
