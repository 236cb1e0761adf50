"""Typed readers for environment settings.

Every variable OpenOCS reads goes through one of these helpers, so a bad value stops the
process at start-up with a message that names the variable, instead of surfacing later as a
confusing error. Every variable is listed in ``.env.example`` and in the README.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


class SettingError(ValueError):
    """An environment variable holds a value that cannot be used."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"Environment variable {name}={value!r} is invalid: expected {expected}.")
        self.name = name
        self.value = value
        self.expected = expected


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable as a string, or ``default`` when unset or empty."""
    value = (environ if environ is not None else os.environ).get(name, "")
    return value if value != "" else default


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Return the variable as a boolean (1/0, true/false, yes/no, on/off)."""
    raw = (environ if environ is not None else os.environ).get(name, "")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(name, raw, "a boolean (true/false, 1/0, yes/no, on/off)")


def env_int(
    name: str,
    default: int,
    environ: Mapping[str, str] | None = None,
    *,
    minimum: int | None = None,
) -> int:
    """Return the variable as an integer, refusing values below ``minimum``."""
    raw = (environ if environ is not None else os.environ).get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(name, raw, "an integer") from None
    if minimum is not None and value < minimum:
        raise SettingError(name, raw, f"an integer >= {minimum}")
    return value


def env_float(
    name: str,
    default: float,
    environ: Mapping[str, str] | None = None,
    *,
    minimum: float | None = None,
) -> float:
    """Return the variable as a float, refusing values below ``minimum``."""
    raw = (environ if environ is not None else os.environ).get(name, "")
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(name, raw, "a number") from None
    if minimum is not None and value < minimum:
        raise SettingError(name, raw, f"a number >= {minimum}")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of stripped, non-empty strings."""
    raw = (environ if environ is not None else os.environ).get(name, "")
    if raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(
    name: str, default: str, choices: list[str], environ: Mapping[str, str] | None = None
) -> str:
    """Return the variable if it is one of ``choices``."""
    value = env_str(name, default, environ)
    if value not in choices:
        raise SettingError(name, value, "one of " + ", ".join(choices))
    return value


def local_base_url(environ: Mapping[str, str] | None = None) -> str:
    """``http://HOST:PORT`` where ``ocs up`` serves (``OCS_HOST``, ``OCS_PORT``): the default of
    the public URLs, so they follow ``ocs up --port``. A wildcard host becomes ``127.0.0.1``."""
    host = env_str("OCS_HOST", "127.0.0.1", environ)
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - naming the wildcard, not binding it
        host = "127.0.0.1"
    port = env_int("OCS_PORT", 8000, environ, minimum=1)
    return f"http://{host}:{port}"
