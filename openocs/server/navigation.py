"""The navigation of the web pages, built for the components this deployment serves.

``openocs.web`` draws the layout but may not know the components (import-linter), so the
entries are listed here. An entry appears when its component is enabled and its page exists
(its path resolves): a page another change adds shows up in the navigation by itself, and no
link ever leads to a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, get_urlconf, resolve

import openocs
from openocs.server.components import mount_prefix


@dataclass(frozen=True)
class NavEntry:
    """A navigation link: ``path`` is relative to the component's mount point."""

    component: str
    label: str
    path: str
    signed_in: bool = False  # shown only to a signed-in user
    staff: bool = False  # shown only to staff


NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry("portal", "Dashboard", "", signed_in=True),
    NavEntry("portal", "Compose", "create", signed_in=True),
    NavEntry("portal", "Requests", "requestgroups/", signed_in=True),
    NavEntry("portal", "Telescopes", "telescopes/"),
    NavEntry("portal", "Tools", "tools/"),
    NavEntry("portal", "Calls", "calls/", signed_in=True),
    NavEntry("archive", "Archive", ""),
    NavEntry("portal", "Schedule", "network/", staff=True),
    NavEntry("portal", "Scheduler runs", "scheduler/", staff=True),
    NavEntry("downtime", "Downtime", "", staff=True),
    NavEntry("configdb", "Config", "network/", staff=True),
)


@dataclass(frozen=True)
class _Link:
    entry: NavEntry
    url: str


@lru_cache(maxsize=64)
def _page_url(urlconf: str | None, components: tuple[str, ...], component: str, path: str) -> str:
    """The URL of a component's page in this deployment, or ``""`` when it serves none there."""
    if component not in components:
        return ""
    url = "/" + mount_prefix(component, list(components)) + path
    try:
        resolve(url, urlconf)
    except Resolver404:
        return ""
    return url


def _url_of(component: str, path: str) -> str | None:
    return _page_url(get_urlconf(), tuple(settings.OCS_COMPONENTS), component, path) or None


def _links() -> list[_Link]:
    return [
        _Link(entry, url)
        for entry in NAV_ENTRIES
        if (url := _url_of(entry.component, entry.path)) is not None
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``ocs_nav`` and the layout's links, product name and version."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    staff = bool(signed_in and getattr(user, "is_staff", False))
    items = []
    for link in _links():
        if (link.entry.signed_in and not signed_in) or (link.entry.staff and not staff):
            continue
        current = request.path == link.url or (
            link.url != "/" and request.path.startswith(link.url)
        )
        items.append(
            {
                "label": link.entry.label,
                "url": link.url,
                "current": current,
                "staff": link.entry.staff,
            }
        )
    return {
        "ocs_nav": items,
        # staff see the operations pages too: the links then take a row of their own
        "ocs_nav_row": any(item["staff"] for item in items),
        "ocs_product": "OpenOCS",
        "ocs_version": openocs.__version__,
        "ocs_home_url": "/",
        "ocs_login_url": _url_of("portal", "accounts/login/"),
        "ocs_logout_url": _url_of("portal", "accounts/logout/"),
        "ocs_profile_url": _url_of("portal", "profile/"),
        "ocs_api_docs_url": "/api/schema/redoc/",
    }
