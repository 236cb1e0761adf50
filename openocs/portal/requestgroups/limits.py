"""Limits on the size of one request group (issue 14, docs/limits.md).

Validating a request costs time for every window, configuration and instrument configuration,
so one call could hold a worker for minutes. :func:`check_group_limits` walks the raw payload
before any field is parsed and refuses every count above its limit at once, each error at the
path of the list that is too long (``{"requests": [{}, {"windows": ["..."]}]}``). The limits are
settings read at call time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from rest_framework import serializers


@dataclass(frozen=True)
class Limits:
    requests_per_group: int
    windows_per_request: int
    configurations_per_request: int
    instrument_configs_per_configuration: int
    exposure_count: int
    exposure_time_s: float
    configuration_repeats: int


def current_limits() -> Limits:
    return Limits(
        requests_per_group=settings.OCS_MAX_REQUESTS_PER_GROUP,
        windows_per_request=settings.OCS_MAX_WINDOWS_PER_REQUEST,
        configurations_per_request=settings.OCS_MAX_CONFIGURATIONS_PER_REQUEST,
        instrument_configs_per_configuration=settings.OCS_MAX_INSTRUMENT_CONFIGS,
        exposure_count=settings.OCS_MAX_EXPOSURE_COUNT,
        exposure_time_s=settings.OCS_MAX_EXPOSURE_TIME_S,
        configuration_repeats=settings.OCS_MAX_CONFIGURATION_REPEATS,
    )


def too_many(limit: int, setting: str) -> str:
    return f"Ensure this field has no more than {limit} elements ({setting})."


def _list_limit(
    container: Any, field: str, limit: int, setting: str, errors: dict[str, Any]
) -> list[Any]:
    """The list ``container[field]`` (empty when absent or not a list), noting it if too long."""
    value = container.get(field) if isinstance(container, dict) else None
    if not isinstance(value, list):
        return []
    if len(value) > limit:
        errors[field] = [too_many(limit, setting)]
        return []
    return value


def _each(items: list[Any], check: Callable[[Any], dict[str, Any]]) -> dict[int, Any]:
    found = {index: check(item) for index, item in enumerate(items)}
    return {index: error for index, error in found.items() if error}


def _configuration_errors(configuration: Any, limits: Limits) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    _list_limit(
        configuration,
        "instrument_configs",
        limits.instrument_configs_per_configuration,
        "OCS_MAX_INSTRUMENT_CONFIGS",
        errors,
    )
    return errors


def request_limit_errors(request: Any, limits: Limits) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    _list_limit(
        request, "windows", limits.windows_per_request, "OCS_MAX_WINDOWS_PER_REQUEST", errors
    )
    configurations = _list_limit(
        request,
        "configurations",
        limits.configurations_per_request,
        "OCS_MAX_CONFIGURATIONS_PER_REQUEST",
        errors,
    )
    nested = _each(configurations, lambda c: _configuration_errors(c, limits))
    if nested:
        errors["configurations"] = nested
    return errors


def check_group_limits(data: Any) -> None:
    """Raise a ``ValidationError`` naming every list of the payload longer than its limit."""
    limits = current_limits()
    errors: dict[str, Any] = {}
    requests = _list_limit(
        data, "requests", limits.requests_per_group, "OCS_MAX_REQUESTS_PER_GROUP", errors
    )
    nested = _each(requests, lambda r: request_limit_errors(r, limits))
    if nested:
        errors["requests"] = nested
    if errors:
        raise serializers.ValidationError(errors)


def check_exposure_count(value: int) -> int:
    limit = settings.OCS_MAX_EXPOSURE_COUNT
    if value > limit:
        raise serializers.ValidationError(
            f"Ensure this value is less than or equal to {limit} (OCS_MAX_EXPOSURE_COUNT)."
        )
    return value


def check_exposure_time(value: float) -> float:
    limit = settings.OCS_MAX_EXPOSURE_TIME_S
    if value > limit:
        raise serializers.ValidationError(
            f"Ensure this value is less than or equal to {limit:g} (OCS_MAX_EXPOSURE_TIME_S)."
        )
    return value


def check_configuration_repeats(value: int) -> int:
    limit = settings.OCS_MAX_CONFIGURATION_REPEATS
    if value > limit:
        raise serializers.ValidationError(
            f"Ensure this value is less than or equal to {limit} (OCS_MAX_CONFIGURATION_REPEATS)."
        )
    return value


def check_duration(value: float | None) -> float | None:
    """``repeat_duration`` is bounded like an exposure (the longest block a night can hold)."""
    return None if value is None else check_exposure_time(value)
