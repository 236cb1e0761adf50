"""OpenOCS: an open-source, API-driven Observatory Control System."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # Read from the installed metadata on first use: importlib.metadata costs tens of
    # milliseconds, which every ``import openocs.…`` (and ``ocs --help``) would otherwise pay.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("openocs")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        value = "0.0.0"
    globals()["__version__"] = value
    return value
