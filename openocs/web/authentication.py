"""Authentication classes shared by every component."""

from __future__ import annotations

from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` with a case-insensitive keyword.

    Listed first in ``DEFAULT_AUTHENTICATION_CLASSES`` so that missing or invalid credentials get
    401 with ``WWW-Authenticate: Token`` (spec README §4.2, deviation D1).
    """

    keyword = "Token"
