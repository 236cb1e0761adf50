"""Zip archives of many frames, streamed by the app while they are written (spec §6.2)."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


class _Sink:
    """A write-only, unseekable target: zipfile then writes data descriptors, never seeks."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


@dataclass(frozen=True)
class ZipEntry:
    """One member: its name inside the zip, its content in chunks and its size if known."""

    name: str
    chunks: Iterable[bytes]
    size: int | None = None


def zip_stream(entries: Iterable[ZipEntry]) -> Iterator[bytes]:
    """The bytes of a stored (uncompressed) zip of ``entries``, produced while reading them."""
    sink = _Sink()
    stamp = time.gmtime()[:6]
    target: Any = sink  # zipfile accepts any object with write() and flush()
    with zipfile.ZipFile(
        target, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True
    ) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            if entry.size is not None:
                info.file_size = entry.size
            large = entry.size is None or entry.size >= 2**31
            with archive.open(info, mode="w", force_zip64=large) as member:
                for chunk in entry.chunks:
                    member.write(chunk)
                    data = sink.take()
                    if data:
                        yield data
            data = sink.take()
            if data:
                yield data
    data = sink.take()
    if data:
        yield data


# Below these, zipfile writes no ZIP64 records (it switches to ZIP64 for a member above
# ZIP64_LIMIT / 1.05 bytes, for offsets above 4 GiB and for more than 65,535 members), so the
# length of the zip is a sum of fixed-size records: exact, and known before the first byte.
_PLAIN_ZIP_MAX_BYTES = 2_000_000_000
_PLAIN_ZIP_MAX_MEMBERS = 65_535
_LOCAL_HEADER_BYTES = 30
_DATA_DESCRIPTOR_BYTES = 16  # written after each member: the stream cannot seek back
_CENTRAL_HEADER_BYTES = 46
_END_RECORD_BYTES = 22


def stored_zip_length(entries: Iterable[ZipEntry]) -> int | None:
    """The exact length in bytes of ``zip_stream(entries)``, when it can be known in advance:
    every size known, ASCII names, no ZIP64 records; None otherwise. Sent as Content-Length,
    it lets a browser show the download's progress and time left."""
    total = _END_RECORD_BYTES
    for members, entry in enumerate(entries, start=1):
        if entry.size is None or not entry.name.isascii():
            return None
        name_bytes = len(entry.name)
        total += (
            _LOCAL_HEADER_BYTES
            + name_bytes
            + entry.size
            + _DATA_DESCRIPTOR_BYTES
            + _CENTRAL_HEADER_BYTES
            + name_bytes
        )
        if total > _PLAIN_ZIP_MAX_BYTES or members > _PLAIN_ZIP_MAX_MEMBERS:
            return None
    return total
