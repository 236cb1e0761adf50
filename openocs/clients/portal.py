"""A minimal typed client of the observation portal for the archive and the ingester.

``profile(token)`` returns who owns a portal API token (or OAuth2 bearer token) and the ids of
that user's proposals (``GET api/profile/``, portal-api.md); ``proposal_tags(id)`` reads a
proposal's tags for the ingester's public-date rules (archive-api.md §9.5).
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openocs.clients.errors import ResponseFormatError
from openocs.clients.http import DEFAULT_TIMEOUT_S, HttpClient

PROFILE_PATH = "api/profile/"


class ProfileProposal(BaseModel):
    """One proposal in a portal profile (only the id is needed here)."""

    model_config = ConfigDict(extra="allow")

    id: str


class UserProfile(BaseModel):
    """A user's identity and proposals as the portal reports them."""

    model_config = ConfigDict(extra="allow")

    username: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    is_staff: bool = False
    is_superuser: bool = False
    proposals: list[ProfileProposal] = Field(default_factory=list)
    tokens: dict[str, Any] = Field(default_factory=dict)

    @property
    def proposal_ids(self) -> list[str]:
        """The ids of the user's proposals, sorted."""
        return sorted({proposal.id for proposal in self.proposals})


class PortalClient:
    """Reads the portal's public API at ``base_url`` (ending in ``/``)."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.base_url = base_url
        self.token = token
        self.transport = transport
        self.timeout_s = timeout_s

    def _http(self, token: str | None, auth_scheme: str = "Token") -> HttpClient:
        return HttpClient(
            self.base_url,
            token=token,
            auth_scheme=auth_scheme,
            timeout_s=self.timeout_s,
            transport=self.transport,
        )

    def profile(self, token: str, *, auth_scheme: str = "Token") -> UserProfile:
        """The profile of the owner of ``token`` (``auth_scheme`` ``Token`` or ``Bearer``).

        Raises ``NotAuthorizedError`` for a refused token, ``ServiceUnavailableError`` when the
        portal cannot be reached and ``ResponseFormatError`` for an unexpected body.
        """
        with self._http(token, auth_scheme) as http:
            raw = http.get_json(PROFILE_PATH)
        try:
            return UserProfile.model_validate(raw)
        except ValidationError as error:
            raise ResponseFormatError(
                "unexpected portal profile", url=self.base_url + PROFILE_PATH, detail=str(error)
            ) from error

    def proposal_tags(self, proposal_id: str) -> list[str]:
        """The tags of one proposal, read with this client's token."""
        path = f"api/proposals/{proposal_id}/"
        with self._http(self.token) as http:
            raw = http.get_json(path)
        tags = raw.get("tags", []) if isinstance(raw, dict) else None
        if not isinstance(tags, list):
            raise ResponseFormatError(
                "unexpected proposal", url=self.base_url + path, detail="tags"
            )
        return [str(tag) for tag in tags]
