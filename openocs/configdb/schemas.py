"""Validation schemas: Cerberus 1.3 with the three UI-hint rules of spec configdb §6.

Schemas are stored on instrument types, generic modes and configuration-type properties. They
must compile when saved (D33: all three kinds are checked); the portal applies them to
configurations.
"""

from __future__ import annotations

from typing import Any

import cerberus
from django.core.exceptions import ValidationError


class OcsValidator(cerberus.Validator):  # type: ignore[misc]
    """A Cerberus validator that accepts the compose form's hints ``description``, ``label``
    and ``show`` and ignores them when validating."""

    def _validate_description(self, constraint: Any, field: str, value: Any) -> None:
        """{'type': 'string'}"""

    def _validate_label(self, constraint: Any, field: str, value: Any) -> None:
        """{'type': 'string'}"""

    def _validate_show(self, constraint: Any, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""


def schema_error(schema: object) -> str | None:
    """The ``SchemaError(…)`` text if ``schema`` is not a valid Cerberus schema, else None."""
    if not isinstance(schema, dict):
        return f"SchemaError('validation_schema must be an object, not {type(schema).__name__}')"
    try:
        OcsValidator(schema, allow_unknown=True)
    except cerberus.SchemaError as error:
        return repr(error)
    return None


def validate_cerberus_schema(schema: object) -> None:
    """Model-field validator: refuse a schema Cerberus cannot compile."""
    error = schema_error(schema)
    if error is not None:
        raise ValidationError(f"Invalid cerberus validation_schema: {error}", code="invalid")
