"""Start-up checks of security settings (docs/security.md), kept free of Django so the settings
module can use them before Django is configured."""

from __future__ import annotations

from collections.abc import Iterable

# Django's own deployment check (security.W009) asks for the same length and variety.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5
_INSECURE_PREFIX = "django-insecure-"


def secret_key_is_strong(key: str, *, known_weak: Iterable[str] = ()) -> bool:
    """Whether ``key`` may sign sessions, password-reset links and tokens in production."""
    return (
        len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE
        and not key.startswith(_INSECURE_PREFIX)
        and key not in set(known_weak)
    )
