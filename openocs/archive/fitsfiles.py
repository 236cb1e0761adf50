"""Decompressing stored FITS files (funpack semantics) and extracting catalogues (spec §6.3)."""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from astropy.io import fits

from openocs.archive.files import storage
from openocs.storage.base import CHUNK_SIZE as CHUNK_SIZE_BYTES


@contextmanager
def local_copy(path: str, key: str) -> Iterator[IO[bytes]]:
    """A seekable, read-only temporary copy of a stored object, deleted afterwards."""
    with tempfile.NamedTemporaryFile(suffix=".fits") as copy:
        with storage().open(path, key) as stream:
            shutil.copyfileobj(stream, copy, CHUNK_SIZE_BYTES)
        copy.flush()
        with open(copy.name, "rb") as reader:
            yield reader


def decompress(path: str, key: str) -> IO[bytes]:
    """A temporary file holding the plain-FITS form of a stored (fpack) file."""
    with local_copy(path, key) as source, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fits.open(source, lazy_load_hdus=True, disable_image_compression=False) as hdulist:
            out = fits.HDUList()
            for index, hdu in enumerate(hdulist):
                if isinstance(hdu, fits.CompImageHDU):
                    out.append(fits.ImageHDU(data=hdu.data, header=hdu.header, name=hdu.name))
                elif index == 0:
                    out.append(fits.PrimaryHDU(data=hdu.data, header=hdu.header))
                else:
                    out.append(hdu.copy())
            target = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller
            out.writeto(target, output_verify="silentfix")
    target.seek(0)
    return target


def catalogue(path: str, key: str) -> IO[bytes] | None:
    """A small FITS with the science header and the ``CAT`` table, or None without one."""
    with local_copy(path, key) as source, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with fits.open(source, lazy_load_hdus=True) as hdulist:
            names = [hdu.name for hdu in hdulist]
            if "CAT" not in names:
                return None
            science = hdulist["SCI"].header if "SCI" in names else hdulist[0].header
            primary = fits.PrimaryHDU(
                header=fits.Header(
                    [
                        c
                        for c in science.cards
                        if c.keyword not in ("XTENSION", "PCOUNT", "GCOUNT", "ZIMAGE")
                    ]
                )
            )
            out = fits.HDUList(
                [
                    primary,
                    fits.BinTableHDU(
                        data=hdulist["CAT"].data, header=hdulist["CAT"].header, name="CAT"
                    ),
                ]
            )
            target = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller
            out.writeto(target, output_verify="silentfix")
    target.seek(0)
    return target


def iter_file(handle: IO[bytes]) -> Iterator[bytes]:
    """The content of a temporary file in chunks, closing it at the end."""
    try:
        while chunk := handle.read(CHUNK_SIZE_BYTES):
            yield chunk
    finally:
        handle.close()
