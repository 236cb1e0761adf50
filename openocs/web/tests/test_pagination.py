"""Invalid ``limit``/``offset`` values are refused with 400, not silently replaced."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from openocs.web.pagination import LimitOffsetPagination


def _request(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/x/?{query}"))


@pytest.mark.parametrize(
    ("query", "name"),
    [("limit=abc", "limit"), ("limit=0", "limit"), ("limit=-5", "limit"), ("offset=x", "offset")],
)
def test_invalid_values_are_named(query: str, name: str) -> None:
    pagination = LimitOffsetPagination()
    with pytest.raises(ValidationError) as raised:
        pagination.get_limit(_request(query))
        pagination.get_offset(_request(query))
    assert name in raised.value.detail


def test_valid_and_absent_values_pass() -> None:
    pagination = LimitOffsetPagination()
    assert pagination.get_limit(_request("limit=5")) == 5
    assert pagination.get_offset(_request("offset=0")) == 0
    assert pagination.get_offset(_request("")) == 0
