"""Accept the portal's API tokens in a split deployment (spec README §4.2).

The portal is the identity provider. Co-hosted with it, a component shares its token table and
the ordinary :class:`~openocs.web.authentication.TokenAuthentication` suffices. Deployed apart
(``OCS_PORTAL_URL`` set), a component does not know the portal's tokens: this class asks the
portal who owns an unknown ``Token`` (``GET <portal>api/profile/`` with that token), caches the
answer (``OCS_PORTAL_TOKEN_CACHE`` seconds, at most one hour; refusals for a minute) and maps the
owner to a local *shadow* user carrying the portal's ``is_staff`` and ``is_superuser``.

Use it in place of ``openocs.web.authentication.TokenAuthentication`` in
``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``; with ``OCS_PORTAL_URL`` empty it behaves
exactly like it.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from rest_framework import exceptions

from openocs.clients.errors import (
    ClientError,
    NotAuthorizedError,
    ResponseFormatError,
    ServiceUnavailableError,
)
from openocs.clients.profile import Profile, fetch_profile
from openocs.env import env_float
from openocs.web.authentication import TokenAuthentication
from openocs.web.exceptions import ServiceUnavailable

logger = logging.getLogger(__name__)

MAX_CACHE_S = 3600.0
REFUSAL_CACHE_S = 60.0
_CACHE_S = env_float("OCS_PORTAL_TOKEN_CACHE", 300.0, minimum=0.0)
_REFUSED = "refused"
PORTAL_DOWN_MESSAGE = (
    "The portal cannot be reached to verify your token, please wait a few minutes and try again."
)


def token_cache_s() -> float:
    """How long a verified token is trusted without asking the portal again (≤ 1 hour)."""
    value = float(getattr(settings, "OCS_PORTAL_TOKEN_CACHE_S", _CACHE_S))
    return min(max(value, 0.0), MAX_CACHE_S)


def _cache_key(key: str) -> str:
    return "openocs:portal-token:" + hashlib.sha256(key.encode()).hexdigest()


def shadow_user(identity: dict[str, Any]) -> AbstractBaseUser:
    """The local user standing for a portal user, created or updated from the portal's facts."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=identity["username"],
        defaults={
            "email": identity["email"],
            "is_staff": identity["is_staff"],
            "is_superuser": identity["is_superuser"],
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return user
    changed = [
        field
        for field in ("email", "is_staff", "is_superuser")
        if getattr(user, field) != identity[field]
    ]
    for field in changed:
        setattr(user, field, identity[field])
    if changed:
        user.save(update_fields=changed)
    return user


class PortalTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``: a local token, or (split deployment) a portal token."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        try:
            return super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed:
            portal_url: str = settings.OCS_PORTAL_URL
            if not portal_url:
                raise
        user = shadow_user(self._identity(key, portal_url))
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, key

    def _identity(self, key: str, portal_url: str) -> dict[str, Any]:
        cache_key = _cache_key(key)
        cached = cache.get(cache_key)
        if cached == _REFUSED:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if isinstance(cached, dict):
            return cached
        base_url = portal_url if portal_url.endswith("/") else portal_url + "/"
        try:
            profile: Profile = fetch_profile(
                base_url,
                token=key,
                timeout_s=float(getattr(settings, "OCS_CLIENT_TIMEOUT_S", 10.0)),
            )
        except NotAuthorizedError as error:
            cache.set(cache_key, _REFUSED, REFUSAL_CACHE_S)
            raise exceptions.AuthenticationFailed("Invalid token.") from error
        except (ServiceUnavailableError, ResponseFormatError) as error:
            logger.warning("cannot verify a token with the portal: %s", error)
            raise ServiceUnavailable(PORTAL_DOWN_MESSAGE) from error
        except ClientError as error:  # another 4xx: the portal refuses to say
            logger.warning("the portal refused a profile request: %s", error)
            raise exceptions.AuthenticationFailed("Invalid token.") from error
        identity = {
            "username": profile.username,
            "email": profile.email,
            "is_staff": profile.is_staff,
            "is_superuser": profile.is_superuser,
        }
        cache.set(cache_key, identity, token_cache_s())
        return identity
