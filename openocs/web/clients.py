"""Client factories: the typed clients of :mod:`openocs.clients`, configured from settings.

A component reaches another one through ``OCS_<NAME>_URL`` when it is set (split deployment).
When it is empty the other component must be co-hosted in this process (listed in
``OCS_COMPONENTS``); the client then talks to it through :class:`InProcessTransport` at the URL
the component is mounted under (``http://inprocess/configdb/`` in the embedded shape,
``http://inprocess/`` when it is the deployment's only component).

One :class:`ConfigDBClient` is shared per process so its cached ``sites/`` document is too.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from openocs.clients.configdb import ConfigDBClient
from openocs.clients.downtime import DowntimeClient
from openocs.clients.http import DEFAULT_TIMEOUT_S
from openocs.web.inprocess import INPROCESS_BASE_URL, InProcessTransport

# Where a co-hosted component is mounted. This mirrors ``openocs.server.components`` (which
# openocs.web may not import); the tests check the resulting URLs resolve to the component.
_COHOSTED_PREFIX = {
    "portal": "",
    "configdb": "configdb/",
    "downtime": "downtime/",
    "archive": "archive/",
}
_URL_SETTING = {
    "portal": "OCS_PORTAL_URL",
    "configdb": "OCS_CONFIGDB_URL",
    "downtime": "OCS_DOWNTIME_URL",
    "archive": "OCS_ARCHIVE_URL",
}

_lock = threading.Lock()
_shared: dict[str, Any] = {}


def client_timeout_s() -> float:
    """Timeout of every service-to-service call (``OCS_CLIENT_TIMEOUT_S``, default 10 s)."""
    return float(getattr(settings, "OCS_CLIENT_TIMEOUT_S", DEFAULT_TIMEOUT_S))


def inprocess_transport() -> InProcessTransport:
    """The process-wide in-process transport."""
    with _lock:
        transport = _shared.get("transport")
        if transport is None:
            transport = _shared["transport"] = InProcessTransport()
        return transport


def component_endpoint(name: str) -> tuple[str, InProcessTransport | None]:
    """Base URL of component ``name`` and the transport to reach it (None = the network)."""
    url: str = getattr(settings, _URL_SETTING[name], "")
    if url:
        return (url if url.endswith("/") else url + "/"), None
    enabled: list[str] = list(settings.OCS_COMPONENTS)
    if name not in enabled:
        raise ImproperlyConfigured(
            f"{_URL_SETTING[name]} must be set: the {name} component is not part of this "
            f"deployment (OCS_COMPONENTS={','.join(enabled)})"
        )
    prefix = "" if len(enabled) == 1 else _COHOSTED_PREFIX[name]
    return INPROCESS_BASE_URL + prefix, inprocess_transport()


def configdb_client() -> ConfigDBClient:
    """The process-wide configdb client (refresh ``OCS_CONFIG_REFRESH_S``, staleness
    ``CONFIGDB_MAX_STALENESS_S``)."""
    with _lock:
        client = _shared.get("configdb")
    if client is not None:
        return client  # type: ignore[no-any-return]
    base_url, transport = component_endpoint("configdb")
    client = ConfigDBClient(
        base_url,
        transport=transport,
        timeout_s=client_timeout_s(),
        refresh_s=float(settings.OCS_CONFIG_REFRESH_S),
        max_staleness_s=float(settings.CONFIGDB_MAX_STALENESS_S),
    )
    with _lock:
        return _shared.setdefault("configdb", client)  # type: ignore[no-any-return]


def downtime_client(*, token: str | None = None) -> DowntimeClient:
    """A downtime client; anonymous ones are shared, ``token`` gives one acting as that user."""
    if token is None:
        with _lock:
            client = _shared.get("downtime")
        if client is not None:
            return client  # type: ignore[no-any-return]
    base_url, transport = component_endpoint("downtime")
    client = DowntimeClient(
        base_url, token=token, transport=transport, timeout_s=client_timeout_s()
    )
    if token is not None:
        return client
    with _lock:
        return _shared.setdefault("downtime", client)  # type: ignore[no-any-return]


def install_client(name: str, client: ConfigDBClient | DowntimeClient) -> None:
    """Make ``client`` the shared client ``name`` (``"configdb"`` or ``"downtime"``) of this
    process, e.g. one with a custom transport in tests or an embedding application."""
    with _lock:
        _shared[name] = client


def reset_clients() -> None:
    """Drop the shared clients (their caches with them); the next call builds new ones."""
    with _lock:
        clients = [c for key, c in _shared.items() if key != "transport"]
        _shared.clear()
    for client in clients:
        client.close()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: object) -> None:
    if setting in {
        *_URL_SETTING.values(),
        "OCS_COMPONENTS",
        "OCS_CONFIG_REFRESH_S",
        "CONFIGDB_MAX_STALENESS_S",
        "OCS_CLIENT_TIMEOUT_S",
    }:
        reset_clients()
