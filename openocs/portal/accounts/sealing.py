"""Sealing a token so that the database alone cannot give it back.

The key is derived from ``SECRET_KEY`` (HMAC-SHA256 with a purpose of its own), and the token is
encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``). Keys listed in
``SECRET_KEY_FALLBACKS`` still open what they sealed, so ``SECRET_KEY`` can be rotated the Django
way; a seal no key opens reads as ``None`` and its token is replaced.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

_PURPOSE = "openocs.portal.accounts.sealing.archive-token"


def _fernet(secret: str) -> Fernet:
    digest = salted_hmac(_PURPOSE, "fernet-key", secret=secret, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret) for secret in secrets])


def seal(value: str) -> str:
    """``value`` encrypted with the current key."""
    return _keys().encrypt(value.encode()).decode("ascii")


def unseal(sealed: str) -> str | None:
    """The sealed value, or ``None`` when no current or fallback key opens it."""
    try:
        return _keys().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        return None
