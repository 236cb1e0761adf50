"""Applying configdb's Cerberus validation schemas to parts of a submission (§4.2, §4.3).

Messages are Cerberus's own, rendered the way the contract quotes them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import cerberus


class OcsValidator(cerberus.Validator):  # type: ignore[misc]
    """Cerberus with the compose form's UI hints (``description``, ``label``, ``show``) allowed."""

    def _validate_description(self, constraint: Any, field: str, value: Any) -> None:
        """{'type': 'string'}"""

    def _validate_label(self, constraint: Any, field: str, value: Any) -> None:
        """{'type': 'string'}"""

    def _validate_show(self, constraint: Any, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""


def apply_schema(
    schema: Mapping[str, Any], document: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate a copy of ``document``; return (normalised document, Cerberus error tree).

    Unknown keys are allowed; defaults are filled. An empty schema accepts anything unchanged.
    A schema that is itself invalid is reported as an error on the document (never a 500).
    """
    if not schema:
        return dict(document), {}
    try:
        validator = OcsValidator(dict(schema), allow_unknown=True)
        valid = validator.validate(copy.deepcopy(dict(document)))
    except cerberus.SchemaError as error:
        return dict(document), {"validation_schema": [f"invalid schema: {error}"]}
    if valid:
        return dict(validator.document), {}
    return dict(document), dict(validator.errors)


def compile_schema(schema: Mapping[str, Any]) -> bool:
    """Check ``schema`` once, as its first use would; return whether it is valid.

    Cerberus checks each schema it has not seen before it validates with it (≈ 5 ms for an
    instrument type's schema) and remembers the valid ones for the process; the start-up
    warm-up calls this for every schema of the configuration, so that no request pays it."""
    if not schema:
        return True
    try:
        OcsValidator(dict(schema), allow_unknown=True).validate({})
    except cerberus.SchemaError:
        return False
    return True


def render_details(errors: Mapping[Any, Any]) -> str:
    """``<field> error: <msg>, <msg>`` entries joined by ``, ``; nested as ``<field>{…}``."""
    parts = []
    for key, values in errors.items():
        messages = [v for v in values if isinstance(v, str)]
        nested = [v for v in values if isinstance(v, Mapping)]
        if messages:
            parts.append(f"{key} error: {', '.join(messages)}")
        for child in nested:
            parts.append(f"{key}{{{render_details(child)}}}")
    return ", ".join(parts)


def _flatten(values: Any) -> dict[str, list[str]]:
    """Cerberus errors of one sub-document → ``{field: [messages]}``, ``extra_params`` merged up."""
    result: dict[str, list[str]] = {}
    for value in values:
        if isinstance(value, str):
            result.setdefault("non_field_errors", []).append(value)
            continue
        for key, messages in value.items():
            if key == "extra_params":
                for nested in messages:
                    if isinstance(nested, Mapping):
                        for sub_key, sub_messages in nested.items():
                            result.setdefault(sub_key, []).extend(
                                m for m in sub_messages if isinstance(m, str)
                            )
                    else:
                        result.setdefault(key, []).append(nested)
            else:
                result.setdefault(str(key), []).extend(m for m in messages if isinstance(m, str))
    return result


_NESTED = ("target", "constraints", "acquisition_config", "guiding_config", "extra_params")


def reshape_configuration_errors(errors: Mapping[str, Any]) -> dict[str, Any]:
    """Re-shape a whole-configuration Cerberus error tree into the DRF tree of §4.3 step 4."""
    shaped: dict[str, Any] = {}
    for key, values in errors.items():
        if key == "instrument_configs":
            by_index: dict[int, dict[str, list[str]]] = {}
            for value in values:
                if not isinstance(value, Mapping):
                    shaped.setdefault("instrument_configs", []).append(value)
                    continue
                for index, entries in value.items():
                    by_index[int(index)] = _flatten(entries)
            if by_index:
                shaped["instrument_configs"] = [
                    by_index.get(i, {}) for i in range(max(by_index) + 1)
                ]
        elif key in _NESTED:
            shaped[key] = _flatten(values)
        else:
            shaped[key] = [v for v in values if isinstance(v, str)] or [
                render_details({key: values})
            ]
    return shaped
