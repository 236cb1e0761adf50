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


def compatible_errors(detail: Any) -> Any:
    """The compatible error tree: errors of list items as a list with ``{}`` for valid items.

    DRF 3.18 reports the errors of a list of objects as a dict keyed by item index; the
    reference (and every client) expects ``[{}, {"field": [...]}]`` (spec README §4.7).
    """
    if isinstance(detail, dict):
        if detail and all(isinstance(key, int) for key in detail):
            return [compatible_errors(detail.get(index, {})) for index in range(max(detail) + 1)]
        return {key: compatible_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [compatible_errors(value) for value in detail]
    return detail


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
        response.data = compatible_errors(response.data)
    if (
        response is not None
        and isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed)
        and settings.OCS_UNAUTHENTICATED_STATUS == status.HTTP_403_FORBIDDEN
    ):
        response.status_code = status.HTTP_403_FORBIDDEN
        if "WWW-Authenticate" in response:
            del response["WWW-Authenticate"]
    return response
