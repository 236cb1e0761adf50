"""The JSON body parser every API uses: bounded depth, finite numbers, no NUL characters.

DRF's parser lets a deeply nested document reach Python's recursion limit (a 500), refuses
``NaN``/``Infinity`` without saying where they are, and accepts NUL characters that PostgreSQL
then refuses on write (another 500). This parser refuses all three with a 400 that names the
field, before any view sees the data. The limit is ``OCS_MAX_JSON_DEPTH``.
"""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import exceptions, parsers


class _NonFinite(float):
    """``NaN``/``Infinity``/``-Infinity`` as parsed, remembered so the walk can name them."""

    literal: str

    def __new__(cls, literal: str) -> _NonFinite:
        value = super().__new__(
            cls, {"NaN": math.nan, "-Infinity": -math.inf}.get(literal, math.inf)
        )
        value.literal = literal
        return value


def max_json_depth() -> int:
    return int(getattr(settings, "OCS_MAX_JSON_DEPTH", 32))


def _nested_error(path: list[str | int], message: str) -> Any:
    """``["a", 0, "b"]`` → ``{"a": {0: {"b": [message]}}}`` (lists become dicts keyed by index;
    the exception handler renders those as lists with ``{}`` for the other items)."""
    error: Any = [message]
    for key in reversed(path):
        error = {key: error}
    return error if path else {"non_field_errors": [message]}


def check_json_document(data: Any, *, max_depth: int) -> None:
    """Raise a ``ValidationError`` naming the first value too deep, not finite or holding NUL."""
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    while stack:
        value, path = stack.pop()
        if len(path) > max_depth:
            raise exceptions.ValidationError(
                _nested_error(
                    path[:max_depth],
                    f"Nested deeper than {max_depth} levels (OCS_MAX_JSON_DEPTH).",
                )
            )
        if isinstance(value, str):
            if "\x00" in value:
                raise exceptions.ValidationError(
                    _nested_error(path, "Null characters are not allowed.")
                )
        elif isinstance(value, float) and not math.isfinite(value):
            literal = value.literal if isinstance(value, _NonFinite) else "A number this large"
            raise exceptions.ValidationError(
                _nested_error(path, f"{literal} is not allowed: use a finite number.")
            )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if "\x00" in key:
                    raise exceptions.ValidationError(
                        _nested_error(path, "Null characters are not allowed in keys.")
                    )
                stack.append((item, [*path, key]))
        elif isinstance(value, list):
            stack.extend((item, [*path, index]) for index, item in enumerate(value))


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing what would otherwise fail later as a 500."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        limit = max_json_depth()
        try:
            text = codecs.getreader(encoding)(stream).read()
            data = json.loads(text, parse_constant=_NonFinite)
        except RecursionError:
            raise exceptions.ParseError(
                f"JSON parse error - nested deeper than {limit} levels (OCS_MAX_JSON_DEPTH)."
            ) from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        check_json_document(data, max_depth=limit)
        return data


# The request language and the site/scheduler APIs are JSON only: form data there could only
# reach the rules as strings and lists (a 500), so it is refused with 415 instead.
JSON_ONLY = [JSONParser]
