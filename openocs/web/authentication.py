"""Authentication classes shared by every component."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions

EXPIRED_MESSAGE = "Token has expired."


def api_token_lifetime() -> timedelta | None:
    """``OCS_API_TOKEN_LIFETIME_DAYS``: how long an API token is accepted after it was made
    (``None``: forever, the reference behaviour)."""
    days = float(getattr(settings, "OCS_API_TOKEN_LIFETIME_DAYS", 0) or 0)
    return timedelta(days=days) if days > 0 else None


def api_token_expires(created: datetime) -> datetime | None:
    """When a token made at ``created`` stops being accepted (``None``: never)."""
    lifetime = api_token_lifetime()
    return created + lifetime if lifetime is not None else None


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` with a case-insensitive keyword.

    Listed first in ``DEFAULT_AUTHENTICATION_CLASSES`` so that missing or invalid credentials get
    401 with ``WWW-Authenticate: Token`` (spec README §4.2, deviation D1). A token older than
    ``OCS_API_TOKEN_LIFETIME_DAYS`` is refused like an unknown one, with ``Token has expired.``
    """

    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        expires = api_token_expires(token.created)
        if expires is not None and expires <= timezone.now():
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE)
        return user, token
