"""The API's JSON renderer gives DRF's bytes, whether orjson or the standard library writes them
(issue 17)."""

from __future__ import annotations

import math
import random
import struct
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail

from openocs.web.renderers import JSONRenderer, fast_json, orjson_only_float


def _reference(data: Any, media_type: str | None = None) -> bytes:
    rendered: bytes = renderers.JSONRenderer().render(data, media_type, {})
    return rendered


def _ours(data: Any, media_type: str | None = None) -> bytes:
    return JSONRenderer().render(data, media_type, {})


class Colour(models.TextChoices):
    RED = "RED", "red"


class Size(models.IntegerChoices):
    BIG = 3, "big"


@dataclass
class Point:
    x: float


def _random_floats(count: int) -> list[float]:
    rng = random.Random(17)
    values: list[float] = []
    while len(values) < count:
        value = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        if math.isfinite(value):
            values.append(value)
        values.append(rng.uniform(1.0, 10.0) * 10.0 ** rng.randint(-30, 30))
        values.append(round(rng.uniform(-10.0, 10.0), rng.randint(0, 6)) * 1e-5)
    return values


DOCUMENTS: list[Any] = [
    {"count": 3, "next": None, "previous": "http://x/?limit=1", "results": [{"a": [1, 2.5]}]},
    [1e-05, 1e-07, 1.5e-09, 1e-10, 0.0001, 10.00001, 1e16, 1e22, -0.0, 5e-324, 60.0],
    {"name": 'séance 😀 \u2028 line \u2029 para \x00 \x1f \x7f \b\f\n\r\t "q" \\ /'},
    {"note": "a time-series of 0.00001 and 1e-5 as text"},
    {"big": 2**70, "negative": -(2**64), "max": 2**63 - 1, "min": -(2**63)},
    {1: "integer key", "b": True, "c": False, "d": None},
    OrderedDict([("z", 1), ("a", 2)]),
    {"when": datetime(2026, 12, 7, 23, 0, 0, 123456, tzinfo=UTC), "day": date(2026, 12, 7)},
    {"span": timedelta(hours=1), "amount": Decimal("1.50"), "id": uuid.UUID(int=17)},
    {"choice": Colour.RED, "size": Size.BIG, "detail": ErrorDetail("bad", code="invalid")},
    {"bytes": b"raw", "tuple": (1, 2), "set_like": frozenset()},
    {"deep": [[[[[[[[[[]]]]]]]]]]},
    "plain string",
    7,
    [],
    {},
]


@pytest.mark.parametrize("data", DOCUMENTS)
def test_every_document_renders_to_drfs_bytes(data: Any) -> None:
    assert _ours(data) == _reference(data)


def test_floats_render_as_pythons_repr() -> None:
    values = _random_floats(30_000)
    fast = 0
    for value in values:
        text = fast_json([value])
        if text is not None:
            fast += 1
            assert text == _reference([value]), value
    assert fast > 0.6 * len(values)  # a third are drawn near 1e-5: the standard path writes them
    assert _ours(values) == _reference(values)
    assert _ours({"values": values[:5000], "note": "x"}) == _reference(
        {"values": values[:5000], "note": "x"}
    )


def test_very_deep_nesting_falls_back_to_the_standard_encoder() -> None:
    data: Any = []
    for _ in range(300):  # deeper than orjson's limit of 254
        data = [data]
    assert fast_json(data) is None
    assert _ours(data) == _reference(data)


def test_ordinary_documents_take_the_fast_path() -> None:
    document = {"id": 1, "ra": 10.684, "name": "m31", "windows": [{"start": "2026-12-07T00:00Z"}]}
    assert fast_json(document) == _reference(document)
    assert fast_json({"tiny": 1e-05}) is None
    assert fast_json({"when": datetime(2026, 1, 1, tzinfo=UTC)}) is None


def test_an_indented_answer_is_the_standard_renderers() -> None:
    data = {"a": [1, {"b": None}], "c": "é"}
    media_type = "application/json; indent=4"
    assert _ours(data, media_type) == _reference(data, media_type)
    assert b"\n    " in _ours(data, media_type)


def test_none_renders_as_no_body() -> None:
    assert _ours(None) == b""


def test_an_object_neither_encoder_knows_fails_as_before() -> None:
    with pytest.raises(TypeError):
        _reference({"point": Point(1e-06)})
    with pytest.raises(TypeError):
        _ours({"point": Point(1e-06)})


def test_invalid_unicode_fails_as_the_standard_renderer_does() -> None:
    with pytest.raises(UnicodeEncodeError):
        _reference({"x": "\ud800"})
    with pytest.raises(UnicodeEncodeError):
        _ours({"x": "\ud800"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"[1e-5]", True),
        (b"[1.5e-7,2]", True),
        (b"[0.00001]", True),
        (b"0.00001", True),
        (b"[-0.000049]", True),
        (b"[1e-05,1e-10,1e+16]", False),
        (b"[10.00001,0.0001]", False),
        (b'{"name":"one-e-two"}', False),
    ],
)
def test_the_floats_orjson_writes_differently_are_recognised(text: bytes, expected: bool) -> None:
    assert orjson_only_float(text) is expected
