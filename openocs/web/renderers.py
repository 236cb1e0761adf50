"""The JSON renderer of every API: DRF's bytes, written by orjson where they are the same.

Rendering a page of 100 request groups (≈ 350 kB) with the standard library's encoder took
about a quarter of the list's CPU time (issue 17); orjson writes the same document in a tenth of
that. The answer must stay byte for byte what :class:`rest_framework.renderers.JSONRenderer`
gives, so orjson is used only where its output is known to be identical, and the standard
renderer everywhere else:

- anything orjson does not write the way DRF's encoder does is handed back to it, which makes
  orjson fail and the standard path run: times, dates, decimals, dataclasses, lazy strings,
  float subclasses (numpy), integers beyond 64 bits, keys that are not strings, nesting deeper
  than orjson's limit, strings that are not valid Unicode;
- floats: both write the shortest repr, except between 1e-9 and 1e-4, where Python writes
  ``1e-05`` or ``1.5e-07`` and orjson ``0.00001`` or ``1.5e-7``. An output containing either form
  (:func:`orjson_only_float`; a string that merely contains such text too) is rendered again by
  the standard path;
- U+2028 and U+2029 are escaped as DRF escapes them.

One difference remains, in a case that is an error today: a non-finite float (NaN, infinity),
which the API refuses on input, makes the standard renderer fail (``STRICT_JSON``: a 500) where
orjson writes ``null``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework import renderers
from rest_framework.utils import encoders

_SHORT_NEGATIVE_EXPONENT = re.compile(rb"e-[1-9](?![0-9])")
_DECIMAL_BELOW_1E_4 = b"0.0000"


def orjson_only_float(text: bytes) -> bool:
    """Whether ``text`` may hold a float that orjson writes and Python's ``repr`` never does:
    ``1.5e-7`` (Python: ``1.5e-07``) or ``0.00001`` (Python: ``1e-05``), exponents -5 to -9."""
    if b"e-" in text and _SHORT_NEGATIVE_EXPONENT.search(text):
        return True
    start = text.find(_DECIMAL_BELOW_1E_4)
    while start != -1:
        if start == 0 or not text[start - 1 : start].isdigit():  # not 10.00001
            return True
        start = text.find(_DECIMAL_BELOW_1E_4, start + 1)
    return False


_LINE_SEPARATOR = "\u2028".encode()
_PARAGRAPH_SEPARATOR = "\u2029".encode()


def _refuse(value: Any) -> Any:
    raise TypeError(type(value).__name__)  # orjson turns it into JSONEncodeError


_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def fast_json(data: Any) -> bytes | None:
    """``data`` as DRF's compact, non-ASCII-escaping JSON, or ``None`` where orjson's bytes could
    differ from it (the caller then renders with the standard library)."""
    try:
        text = orjson.dumps(data, default=_refuse, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return None
    if orjson_only_float(text):
        return None
    if b"\xe2\x80" in text:  # the first two bytes of U+2028 and U+2029 (and of other marks)
        text = text.replace(_LINE_SEPARATOR, b"\\u2028").replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
    return text


class JSONRenderer(renderers.JSONRenderer):
    """DRF's ``JSONRenderer``, written by :func:`fast_json` when no indentation is asked for."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if (
            data is not None
            and self.compact
            and not self.ensure_ascii
            and self.encoder_class is encoders.JSONEncoder
            and self.get_indent(accepted_media_type or "", renderer_context or {}) is None
        ):
            text = fast_json(data)
            if text is not None:
                return text
        rendered: bytes = super().render(data, accepted_media_type, renderer_context)
        return rendered
