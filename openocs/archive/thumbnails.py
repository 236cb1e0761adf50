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


def render_png(data: np.ndarray, max_size_px: int) -> bytes:
    """An 8-bit greyscale PNG of ``data`` stretched with zscale, longest side ``max_size_px``."""
    finite = np.isfinite(data)
    values = np.where(finite, data, np.nanmedian(data[finite]) if finite.any() else 0.0)
    low, high = ZScaleInterval().get_limits(values)
    if high <= low:
        high = low + 1.0
    scaled = np.clip((values - low) / (high - low), 0.0, 1.0)
    image = Image.fromarray((np.flipud(scaled) * 255).astype(np.uint8), mode="L")
    ratio = max_size_px / max(image.size)
    size = (max(1, round(image.size[0] * ratio)), max(1, round(image.size[1] * ratio)))
    image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


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
    return [
        services.thumbnail_save(frame=frame, size=size, png=render_png(data, pixels))
        for size, pixels in conf.THUMBNAIL_SIZES_PX.items()
    ]
