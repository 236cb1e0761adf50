"""The REST error handler shared by every component.

It keeps DRF's compatible error shapes and applies ``OCS_UNAUTHENTICATED_STATUS``: OpenOCS
answers missing or invalid credentials with 401 (deviation D1); 403 restores the reference.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ServiceUnavailable(exceptions.APIException):
    """A component this request depends on cannot be reached (answered with 503)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A service this request depends on is unavailable, please try again later."
    default_code = "service_unavailable"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with the reference 403 for unauthenticated calls when configured."""
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed)
        and settings.OCS_UNAUTHENTICATED_STATUS == status.HTTP_403_FORBIDDEN
    ):
        response.status_code = status.HTTP_403_FORBIDDEN
        if "WWW-Authenticate" in response:
            del response["WWW-Authenticate"]
    return response
