"""Fast reading of FITS headers straight from the file's 2880-byte blocks.

Opening a file with astropy parses and verifies every card of every HDU, which costs tens of
milliseconds per frame; the ingester only needs the header values. This reader walks the HDUs,
parses the cards it needs to know the layout and returns each header as a dict, presenting
tile-compressed images (``ZIMAGE = T``) the way astropy does (``NAXISn`` from ``ZNAXISn``…).
Anything unusual raises :class:`RawHeaderError` and the caller falls back to astropy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

BLOCK = 2880
CARD = 80
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?$")
# Keywords of the compressed-image table that astropy hides from the image header.
_TABLE_KEYS = re.compile(
    r"^(ZIMAGE|ZCMPTYPE|ZBITPIX|ZNAXIS\d*|ZTILE\d+|ZNAME\d+|ZVAL\d+|ZQUANTIZ|ZDITHER0|ZSIMPLE|"
    r"ZEXTEND|ZBLOCKED|ZTENSION|ZPCOUNT|ZGCOUNT|ZHECKSUM|ZDATASUM|TTYPE\d+|TFORM\d+|TUNIT\d+|"
    r"TFIELDS|THEAP|TZERO\d+|TSCAL\d+|TNULL\d+|TDIM\d+)$"
)


class RawHeaderError(ValueError):
    """The file is not a plain FITS layout this reader handles."""


def _value(text: str) -> Any:
    text = text.lstrip()
    if text.startswith("'"):
        out = []
        index = 1
        while index < len(text):
            char = text[index]
            if char == "'":
                if index + 1 < len(text) and text[index + 1] == "'":
                    out.append("'")
                    index += 2
                    continue
                return "".join(out).rstrip()
            out.append(char)
            index += 1
        raise RawHeaderError("unterminated string")
    raw = text.split("/", 1)[0].strip()
    if raw == "":
        return None
    if raw == "T":
        return True
    if raw == "F":
        return False
    if _INT.match(raw):
        return int(raw)
    if _FLOAT.match(raw):
        return float(raw.replace("D", "E").replace("d", "e"))
    raise RawHeaderError(f"unsupported value {raw!r}")


def _parse(cards: list[str]) -> dict[str, Any]:
    header: dict[str, Any] = {}
    last_string_key: str | None = None
    for card in cards:
        keyword = card[:8].rstrip()
        if keyword == "CONTINUE" and last_string_key is not None:
            previous = header[last_string_key]
            if isinstance(previous, str) and previous.endswith("&"):
                addition = _value(card[8:])
                header[last_string_key] = previous[:-1] + (addition or "")
                continue
        if keyword == "HIERARCH":
            name, _, rest = card[9:].partition("=")
            if not rest:
                raise RawHeaderError("HIERARCH card without a value")
            header[name.strip()] = _value(rest)
            continue
        if card[8:10] != "= ":
            if keyword:  # commentary cards (HISTORY, COMMENT, …)
                header[keyword] = card[8:].rstrip()
            continue
        value = _value(card[10:])
        header[keyword] = value
        last_string_key = keyword if isinstance(value, str) else None
    return header


def _data_size(header: dict[str, Any]) -> int:
    try:
        bitpix = abs(int(header["BITPIX"]))
        naxis = int(header["NAXIS"])
        pcount = int(header.get("PCOUNT", 0) or 0)
        gcount = int(header.get("GCOUNT", 1) or 1)
        product = 1
        for axis in range(1, naxis + 1):
            product *= int(header[f"NAXIS{axis}"])
    except (KeyError, TypeError, ValueError) as error:
        raise RawHeaderError(f"bad layout keywords: {error}") from None
    if naxis == 0:
        return 0
    size = bitpix // 8 * gcount * (pcount + product)
    return -(-size // BLOCK) * BLOCK


def _as_image(header: dict[str, Any]) -> dict[str, Any]:
    """The header of a tile-compressed image as astropy presents it."""
    image: dict[str, Any] = {"XTENSION": "IMAGE", "BITPIX": header.get("ZBITPIX")}
    naxis = int(header.get("ZNAXIS", 0))
    image["NAXIS"] = naxis
    for axis in range(1, naxis + 1):
        image[f"NAXIS{axis}"] = header.get(f"ZNAXIS{axis}")
    image["PCOUNT"], image["GCOUNT"] = 0, 1
    for key, value in header.items():
        if key in image or key in {"XTENSION", "BITPIX", "PCOUNT", "GCOUNT"}:
            continue
        if key.startswith("NAXIS") or _TABLE_KEYS.match(key):
            continue
        image[key] = value
    return image


def iter_headers(fileobj: BinaryIO) -> Iterator[dict[str, Any]]:
    """Each HDU's header as a dict, in file order."""
    fileobj.seek(0)
    first = True
    while True:
        cards: list[str] = []
        ended = False
        while not ended:
            block = fileobj.read(BLOCK)
            if len(block) < BLOCK:
                if first or cards or block.strip(b"\0 "):
                    raise RawHeaderError("truncated header")
                return
            text = block.decode("ascii", errors="replace")
            for start in range(0, BLOCK, CARD):
                card = text[start : start + CARD]
                if card.startswith("END") and card[3:].strip() == "":
                    ended = True
                    break
                cards.append(card)
        header = _parse(cards)
        if first and header.get("SIMPLE") is not True:
            raise RawHeaderError("not a FITS file (no SIMPLE = T)")
        first = False
        size = _data_size(header)
        yield _as_image(header) if header.get("ZIMAGE") is True else header
        fileobj.seek(size, 1)
