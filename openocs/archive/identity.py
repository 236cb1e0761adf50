"""Who is asking, and which proposals are theirs (spec §2).

The portal is the identity provider. Co-hosted, its users and DRF tokens live in the same
database, so ``Token`` authentication needs nothing more. Bearer (OAuth2) tokens, and portal
tokens unknown here (split deployments), are verified with the portal's ``GET api/profile/``
through :mod:`openocs.clients.portal` and cached. Proposal membership always comes from the
portal's profile, cached per user; when the portal cannot be reached, requests that need it
answer 503 instead of silently hiding the user's data.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from drf_spectacular.drainage import set_override
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from openocs.archive import conf
from openocs.clients.errors import ClientError, NotAuthorizedError, ServiceUnavailableError
from openocs.clients.portal import PortalClient, UserProfile
from openocs.web.authentication import TokenAuthentication
from openocs.web.exceptions import ServiceUnavailable

logger = logging.getLogger("openocs.archive")

PORTAL_DOWN = (
    "The observation portal cannot be reached to check your proposals; "
    "please try again in a few minutes."
)


def portal_client() -> PortalClient:
    """The portal client: over the network when ``OCS_PORTAL_URL`` is set, else in-process."""
    from openocs.web.clients import client_timeout_s, component_endpoint

    base_url, transport = component_endpoint("portal")
    return PortalClient(base_url, transport=transport, timeout_s=client_timeout_s())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _upsert_user(profile: UserProfile) -> Any:
    """The local user for a portal profile (co-hosted: the same row; split: a copy)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=profile.username,
        defaults={
            "email": profile.email,
            "first_name": profile.first_name,
            "last_name": profile.last_name,
            "is_staff": profile.is_staff,
            "is_superuser": profile.is_superuser,
        },
    )
    if not created and (
        user.is_staff != profile.is_staff or user.is_superuser != profile.is_superuser
    ):
        user.is_staff, user.is_superuser = profile.is_staff, profile.is_superuser
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def _verify_with_portal(token: str, scheme: str) -> tuple[Any, UserProfile | None]:
    cache_key = f"archive:identity:{scheme}:{_digest(token)}"
    user_id = cache.get(cache_key)
    user_model = get_user_model()
    if user_id is not None:
        user = user_model.objects.filter(pk=user_id, is_active=True).first()
        if user is not None:
            return user, None
    try:
        profile = portal_client().profile(token, auth_scheme=scheme)
    except NotAuthorizedError:
        raise exceptions.AuthenticationFailed("Invalid token.") from None
    except ClientError as error:
        logger.warning("Portal profile lookup failed: %s", error)
        raise ServiceUnavailable(PORTAL_DOWN) from error
    user = _upsert_user(profile)
    cache.set(cache_key, user.pk, conf.identity_cache_s())
    _remember_proposals(user.pk, profile.proposal_ids)
    return user, profile


class PortalTokenAuthentication(TokenAuthentication):
    """``Token <key>``: a token of this database (co-hosted portal or archive token), else a
    portal token verified against the portal when the portal is remote."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        try:
            return super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed:
            from django.conf import settings

            if not settings.OCS_PORTAL_URL:
                raise
        user, _profile = _verify_with_portal(key, "Token")
        return user, PortalCredential(key, "Token")


@dataclass(frozen=True)
class PortalCredential:
    """A credential the portal accepts, kept to ask the portal for the user's proposals."""

    token: str
    scheme: str = "Token"


class PortalBearerAuthentication(authentication.BaseAuthentication):
    """``Bearer <token>``: a portal OAuth2 access token, verified with the portal's profile."""

    keyword = "bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        token = parts[1].decode(errors="replace")
        user, _profile = _verify_with_portal(token, "Bearer")
        return user, PortalCredential(token, "Bearer")

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class PortalBearerScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The OpenAPI security scheme of :class:`PortalBearerAuthentication`."""

    target_class = PortalBearerAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A portal OAuth2 access token (the portal profile's `tokens.archive`).",
        }


# The same wire scheme as the other components' ``Token`` authentication: one ``tokenAuth``
# security scheme in the combined schema, not a naming collision.
set_override(PortalTokenAuthentication, "suppress_collision_warning", True)


@dataclass
class Viewer:
    """The caller as the visibility rule sees it (spec §2.3).

    ``credential`` is what the caller authenticated with (a DRF ``Token`` or a
    :class:`PortalCredential`); it is used to ask the portal for the user's proposals.
    """

    user: Any
    credential: Any = None
    _proposals: frozenset[str] | None = field(default=None, repr=False)

    @property
    def authenticated(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated)

    @property
    def sees_all(self) -> bool:
        """Staff and superusers see every frame."""
        return self.authenticated and bool(self.user.is_superuser or self.user.is_staff)

    @property
    def proposals(self) -> frozenset[str]:
        """The user's proposal ids from the portal (cached); 503 when the portal is down."""
        if self._proposals is None:
            self._proposals = frozenset(proposals_of(self.user, self.credential))
        return self._proposals

    @property
    def cache_key(self) -> str:
        return f"user-{self.user.pk}" if self.authenticated else "anonymous"


def _proposals_cache_key(user_id: int) -> str:
    return f"archive:proposals:{user_id}"


def _remember_proposals(user_id: int, proposals: list[str]) -> None:
    seconds = conf.proposals_cache_s() if proposals else conf.proposals_empty_cache_s()
    cache.set(_proposals_cache_key(user_id), list(proposals), seconds)


def forget_proposals(user_id: int) -> None:
    """Drop a user's cached proposals (e.g. after the portal changed a membership)."""
    cache.delete(_proposals_cache_key(user_id))


def _credential_for(user: Any, auth: Any) -> PortalCredential:
    if isinstance(auth, PortalCredential):
        return auth
    if isinstance(auth, Token):
        return PortalCredential(auth.key)
    token, _created = Token.objects.get_or_create(user=user)
    return PortalCredential(token.key)


def proposals_of(user: Any, credential: Any = None) -> list[str]:
    """The ids of the user's proposals according to the portal (spec §2.2)."""
    if user is None or not user.is_authenticated:
        return []
    cached = cache.get(_proposals_cache_key(user.pk))
    if cached is not None:
        return list(cached)
    portal_credential = _credential_for(user, credential)
    try:
        profile = portal_client().profile(
            portal_credential.token, auth_scheme=portal_credential.scheme
        )
    except ServiceUnavailableError as error:
        logger.warning("Portal unavailable for the proposals of %s: %s", user.username, error)
        raise ServiceUnavailable(PORTAL_DOWN) from error
    except NotAuthorizedError:
        logger.warning("Portal refused the credential of %s: no proposals", user.username)
        _remember_proposals(user.pk, [])
        return []
    except ClientError as error:
        logger.warning("Portal answered unexpectedly for %s: %s", user.username, error)
        raise ServiceUnavailable(PORTAL_DOWN) from error
    _remember_proposals(user.pk, profile.proposal_ids)
    return profile.proposal_ids


def viewer_for(request: Request) -> Viewer:
    """The :class:`Viewer` of a DRF request."""
    return Viewer(user=request.user, credential=request.auth)


def viewer_for_token(token: str) -> Viewer | None:
    """The :class:`Viewer` owning a portal or archive token, or None for an unknown token."""
    try:
        user, credential = PortalTokenAuthentication().authenticate_credentials(token)
    except exceptions.AuthenticationFailed:
        return None
    return Viewer(user=user, credential=credential)
