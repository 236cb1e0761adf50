"""The OpenAPI schema says what the server does (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from openocs.server.schema_hooks import ERROR_STATUSES, TIME_PATTERN


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    generated: dict[str, Any] = SchemaGenerator().get_schema(public=True)  # type: ignore[no-untyped-call]
    return generated


@pytest.mark.parametrize(
    "path",
    [
        "/api/proposals/tags/",
        "/api/semesters/{id}/proposals/",
        "/api/semesters/{id}/timeallocations/",
        "/api/requestgroups/schedulable_requests/",
        "/frames/{id}/related/",
    ],
)
def test_list_answers_are_documented_as_lists(schema: dict[str, Any], path: str) -> None:
    response = schema["paths"][path]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"]["type"] == "array"


def test_every_operation_documents_its_error_statuses(schema: dict[str, Any]) -> None:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status in ERROR_STATUSES:
                assert status in operation["responses"], (method, path, status)
                content = operation["responses"][status]["content"]
                assert "text/plain" in content, (method, path, status)


def test_times_of_day_are_described_as_the_server_writes_them(schema: dict[str, Any]) -> None:
    restart = schema["components"]["schemas"]["Site"]["properties"]["restart"]
    assert "format" not in restart
    assert restart["pattern"] == TIME_PATTERN
