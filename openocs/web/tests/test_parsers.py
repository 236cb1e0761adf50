"""The shared JSON parser refuses what would otherwise become a 500 later, naming where."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rest_framework import exceptions

from openocs.web.parsers import JSONParser, check_json_document


def _parse(text: str) -> Any:
    return JSONParser().parse(io.BytesIO(text.encode()), "application/json", {})


def test_a_plain_document_parses() -> None:
    assert _parse('{"a": [1, 2.5, "x", null]}') == {"a": [1, 2.5, "x", None]}


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_literals_are_named_at_their_path(literal: str) -> None:
    with pytest.raises(exceptions.ValidationError) as raised:
        _parse('{"a": [{"b": 1}, {"b": ' + literal + "}]}")
    detail: Any = raised.value.detail
    assert detail == {"a": {1: {"b": [f"{literal} is not allowed: use a finite number."]}}}


def test_a_number_too_large_for_a_float_is_refused() -> None:
    with pytest.raises(exceptions.ValidationError) as raised:
        _parse('{"x": 1e400}')
    assert "x" in raised.value.detail


def test_recursion_depth_becomes_a_parse_error() -> None:
    with pytest.raises(exceptions.ParseError, match="OCS_MAX_JSON_DEPTH"):
        _parse("[" * 100_000 + "]" * 100_000)


def test_invalid_json_is_a_parse_error() -> None:
    with pytest.raises(exceptions.ParseError, match="JSON parse error"):
        _parse("{")


def test_depth_beyond_the_limit_is_refused() -> None:
    check_json_document([[[1]]], max_depth=3)
    with pytest.raises(exceptions.ValidationError):
        check_json_document([[[[1]]]], max_depth=3)


def test_nul_in_a_top_level_string_is_a_non_field_error() -> None:
    with pytest.raises(exceptions.ValidationError) as raised:
        check_json_document("a\x00", max_depth=3)
    assert raised.value.detail == {"non_field_errors": ["Null characters are not allowed."]}
