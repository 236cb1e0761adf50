"""Raw OpenAPI schemas shared by views whose answers no serializer describes."""

from __future__ import annotations

from typing import Any

LIST_OF_OBJECTS: dict[str, Any] = {
    "type": "array",
    "items": {"type": "object", "additionalProperties": True},
}
LIST_OF_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
