"""Thumbnail PNGs of image frames: a zscale-like stretch, three sizes (spec §8)."""

from __future__ import annotations

import io
import logging
import warnings

import numpy as np
from astropy.io import fits
from astropy.visualization import ZScaleInterval
from PIL import Image

from openocs.archive import conf, services
from openocs.archive.fitsfiles import local_copy
from openocs.archive.models import Frame, Thumbnail
from openocs.storage import ObjectNotFound

logger = logging.getLogger("openocs.archive")


def image_data(path: str, key: str) -> np.ndarray | None:
    """The first 2-D image of a stored FITS file (a length-1 leading axis is dropped)."""
    with local_copy(path, key) as source, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fits.open(source, lazy_load_hdus=True) as hdulist:
            for hdu in hdulist:
                if not hdu.is_image or hdu.header.get("NAXIS", 0) < 2:
                    continue
                data = np.squeeze(np.asarray(hdu.data, dtype=np.float32))
                if data.ndim == 2 and min(data.shape) >= 1:
                    return data
    return None


def stretched(data: np.ndarray) -> Image.Image:
    """``data`` as an 8-bit greyscale image, stretched with zscale, north up."""
    finite = np.isfinite(data)
    values = (
        data
        if finite.all()
        else np.where(finite, data, np.median(data[finite]) if finite.any() else 0.0)
    )
    low, high = ZScaleInterval().get_limits(values)
    if high <= low:
        high = low + 1.0
    scaled = np.clip((values - low) * (255.0 / (high - low)), 0.0, 255.0)
    return Image.fromarray(np.flipud(scaled).astype(np.uint8), mode="L")


def fitted_size(size: tuple[int, int], max_size_px: int) -> tuple[int, int]:
    """``size`` shrunk to a longest side of ``max_size_px``; never enlarged (a 512-pixel
    frame's "large" thumbnail is its own 512 pixels, not 1200 made up by interpolation)."""
    ratio = min(max_size_px / max(size), 1.0)
    return max(1, round(size[0] * ratio)), max(1, round(size[1] * ratio))


def png_of(image: Image.Image, size: tuple[int, int]) -> bytes:
    """A PNG of ``image`` resized to ``size``."""
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def render_png(data: np.ndarray, max_size_px: int) -> bytes:
    """An 8-bit greyscale PNG of ``data`` stretched with zscale, longest side ``max_size_px``
    at most."""
    image = stretched(data)
    return png_of(image, fitted_size(image.size, max_size_px))


def thumbnails_generate(*, frame_id: int) -> list[Thumbnail]:
    """Make (or remake) the small, medium and large thumbnails of a frame's newest version."""
    frame = Frame.objects.filter(pk=frame_id).first()
    if frame is None:
        return []
    version = frame.version_set.order_by("-created", "-id").first()
    if version is None or not version.extension.startswith(".fits"):
        return []
    try:
        data = image_data(version.path, version.key)
    except ObjectNotFound:
        logger.warning(
            "No stored file for %s (version %s): no thumbnails", frame.basename, version.pk
        )
        return []
    if data is None:
        logger.info("No image to make thumbnails of in %s", frame.basename)
        return []
    image = stretched(data)  # one stretch for the three sizes,
    pngs: dict[tuple[int, int], bytes] = {}  # and one PNG per distinct pixel size
    thumbnails = []
    for size, pixels in conf.THUMBNAIL_SIZES_PX.items():
        fitted = fitted_size(image.size, pixels)
        if fitted not in pngs:
            pngs[fitted] = png_of(image, fitted)
        thumbnails.append(services.thumbnail_save(frame=frame, size=size, png=pngs[fitted]))
    return thumbnails
