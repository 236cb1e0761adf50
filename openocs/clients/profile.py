"""Client of the portal's ``GET api/profile/``: who owns an API token (portal-api.md §18.3).

Services that run apart from the portal use it to verify a portal token they do not know.
"""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from openocs.clients.errors import ResponseFormatError
from openocs.clients.http import DEFAULT_TIMEOUT_S, HttpClient

PROFILE_PATH = "api/profile/"


class Profile(BaseModel):
    """The fields of a portal profile that identify the user (extra fields are kept)."""

    model_config = ConfigDict(extra="allow")

    username: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    is_staff: bool = False
    is_superuser: bool = False


def fetch_profile(
    portal_url: str,
    *,
    token: str,
    auth_scheme: str = "Token",
    transport: httpx.BaseTransport | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Profile:
    """The profile of the token's owner.

    Raises ``NotAuthorizedError`` for a token the portal refuses and ``ServiceUnavailableError``
    when the portal cannot be reached.
    """
    with HttpClient(
        portal_url, token=token, auth_scheme=auth_scheme, timeout_s=timeout_s, transport=transport
    ) as http:
        raw = http.get_json(PROFILE_PATH)
    try:
        return Profile.model_validate(raw)
    except ValidationError as error:
        raise ResponseFormatError(
            "unexpected portal profile", url=portal_url + PROFILE_PATH, detail=str(error)
        ) from error
