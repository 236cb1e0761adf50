"""The components a deployment can serve and where each is mounted.

A deployment chooses its components with ``OCS_COMPONENTS``. With several components (the
embedded shape) the portal owns the host root (its API lives at ``/api/``) and the others are
mounted under their own prefix; a deployment of a single component serves it at ``/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Component:
    """A deployable part of OpenOCS."""

    name: str
    package: str
    cohosted_prefix: str
    title: str

    def django_apps(self) -> list[str]:
        """The Django apps of the component, declared in its package's ``DJANGO_APPS``."""
        module = import_module(self.package)
        apps: list[str] = list(getattr(module, "DJANGO_APPS", []))
        return apps


COMPONENTS: dict[str, Component] = {
    "portal": Component("portal", "openocs.portal", "", "Observation portal"),
    "configdb": Component("configdb", "openocs.configdb", "configdb/", "Configuration database"),
    "downtime": Component("downtime", "openocs.downtime", "downtime/", "Downtime database"),
    "archive": Component("archive", "openocs.archive", "archive/", "Science archive"),
}

DEFAULT_COMPONENTS = ["portal", "configdb", "downtime", "archive"]


def mount_prefix(name: str, enabled: list[str]) -> str:
    """The URL prefix (``""`` or ``"configdb/"``) of component ``name`` in this deployment."""
    if len(enabled) == 1:
        return ""
    return COMPONENTS[name].cohosted_prefix
