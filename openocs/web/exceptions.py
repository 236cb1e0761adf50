"""The REST error handler shared by every component.

It keeps DRF's compatible error shapes and applies ``OCS_UNAUTHENTICATED_STATUS``: OpenOCS
answers missing or invalid credentials with 401 (deviation D1); 403 restores the reference.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponseBadRequest
from rest_framework import exceptions, status
from rest_framework.response import Response


class ServiceUnavailable(exceptions.APIException):
    """A component this request depends on cannot be reached (answered with 503)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A service this request depends on is unavailable, please try again later."
    default_code = "service_unavailable"


class PlainTextBadRequest(exceptions.APIException):
    """A 400 whose body is plain text, as the reference answers some limits."""

    status_code = status.HTTP_400_BAD_REQUEST


def compatible_errors(detail: Any, data: Any = None) -> Any:
    """The compatible error tree: errors of list items as a list with ``{}`` for valid items.

    DRF 3.18 reports the errors of a list of objects as a dict keyed by item index; the
    reference (and every client) expects one entry per item, ``[{}, {"field": [...]}]`` (spec
    README §4.7). ``data`` is the input the errors describe: with it each list keeps the length
    of its input (valid items after the last invalid one included); without it the list ends at
    the last invalid item.
    """
    if isinstance(detail, dict):
        if detail and all(isinstance(key, int) for key in detail):
            length = max(detail) + 1
            if isinstance(data, list):
                length = max(length, len(data))
            return [
                compatible_errors(detail.get(index, {}), _item(data, index))
                for index in range(length)
            ]
        return {key: compatible_errors(value, _item(data, key)) for key, value in detail.items()}
    if isinstance(detail, list):
        return [compatible_errors(value, _item(data, index)) for index, value in enumerate(detail)]
    return detail


def _item(data: Any, key: Any) -> Any:
    """``data[key]`` when the input has it (a dict key or a list index), else ``None``."""
    if isinstance(data, dict) and not isinstance(key, int):
        return data.get(key)
    if isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
        return data[key]
    return None


def _request_data(context: dict[str, Any]) -> Any:
    """The parsed body of the failing request, or ``None`` when it has none (or cannot parse)."""
    request = context.get("request")
    if request is None:
        return None
    try:
        return request.data
    except exceptions.APIException:
        return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler with compatible list errors, and the reference 403 for unauthenticated
    calls when configured."""
    if isinstance(exc, PlainTextBadRequest):
        return HttpResponseBadRequest(  # type: ignore[return-value]
            str(exc.detail), content_type="text/plain; charset=utf-8"
        )
    # Imported here: rest_framework.views resolves the authentication classes at import time,
    # and those import this module (ServiceUnavailable).
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = compatible_errors(response.data, _request_data(context))
    if (
        response is not None
        and isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed)
        and settings.OCS_UNAUTHENTICATED_STATUS == status.HTTP_403_FORBIDDEN
    ):
        response.status_code = status.HTTP_403_FORBIDDEN
        if "WWW-Authenticate" in response:
            del response["WWW-Authenticate"]
    return response
