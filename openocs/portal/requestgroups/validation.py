"""Validation of a request-group document without writing it (``portal-api.md`` §10.3).

``POST /api/requestgroups/validate/``, ``POST /api/requestgroups/`` and the Compose page all call
:func:`requestgroup_validate`, so a document is judged by one set of rules wherever it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.duration import (
    configuration_duration_s,
    instrument_config_duration_s,
)
from openocs.portal.requestgroups.serializers import RequestGroupSerializer
from openocs.web.exceptions import compatible_errors


@dataclass
class GroupValidation:
    """The outcome: the compatible error tree (empty when valid) and the validated document."""

    errors: Any
    validated_data: dict[str, Any] | None
    context: ValidationContext

    @property
    def is_valid(self) -> bool:
        return self.validated_data is not None

    def request_durations(self) -> dict[str, Any]:
        """The ``request_durations`` object of the validate answer (``{}`` when invalid)."""
        if self.validated_data is None:
            return {}
        return group_durations(self.validated_data, self.context)


def requestgroup_validate(*, data: Any, user: Any) -> GroupValidation:
    """Check ``data`` (the JSON body of a submission) as the caller ``user``."""
    context = ValidationContext(user=user)
    serializer = RequestGroupSerializer(
        data=data if isinstance(data, dict) else {}, context={"ocs": context}
    )
    if serializer.is_valid():
        return GroupValidation(errors={}, validated_data=serializer.validated_data, context=context)
    return GroupValidation(
        errors=compatible_errors(serializer.errors, serializer.initial_data),
        validated_data=None,
        context=context,
    )


def group_durations(data: dict[str, Any], context: ValidationContext) -> dict[str, Any]:
    """Seconds per instrument config, configuration and request of a validated group."""
    overheads = context.configuration.overheads
    requests = []
    for request in data["requests"]:
        configurations = []
        for configuration in request["configurations"]:
            type_overheads = overheads[configuration["instrument_type"].upper()]
            configurations.append(
                {
                    "instrument_configs": [
                        {"duration": instrument_config_duration_s(ic, type_overheads)}
                        for ic in configuration["instrument_configs"]
                    ],
                    "duration": configuration_duration_s(configuration, type_overheads),
                }
            )
        entry: dict[str, Any] = {"duration": request["duration"], "configurations": configurations}
        if "largest_interval" in request:
            entry["largest_interval"] = request["largest_interval"]
        requests.append(entry)
    return {"requests": requests, "duration": sum(r["duration"] for r in data["requests"])}
