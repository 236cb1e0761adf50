"""URL mounting: each enabled component at its prefix (spec README §3).

Embedded (several components): the portal owns the host root (``/api/``, ``/accounts/``, ``/o/``),
configdb is at ``/configdb/``, downtime at ``/downtime/``, the archive at ``/archive/`` (with the
``/frames/`` root alias TOM Toolkit needs). A deployment of one component serves it at ``/``.
Every component also serves ``<prefix>health/``, ``<prefix>openapi/`` and ``<prefix>redoc/``;
``/api/schema/`` (with ``redoc/`` and ``swagger-ui/`` pages) describes the whole deployment.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver, include, path, re_path

from openocs.server.components import COMPONENTS, mount_prefix
from openocs.server.health import health
from openocs.server.metrics import metrics_view
from openocs.server.schema_views import CachedSchemaView, RedocView, SwaggerView


def _offline(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """An API reference page that fetches nothing from the internet: its scripts come from
    drf-spectacular-sidecar, and this policy stops the one image Redoc links from its CDN."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = "img-src 'self' data:"
        return response

    return wrapped


def _slashless(route: str) -> str:
    return "^" + route.rstrip("/") + "/?$"


def _component_root(urlconf: str) -> Callable[..., HttpResponseBase]:
    """A view answering the bare component prefix with the component's own root view."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        match = get_resolver(urlconf).resolve("/")
        response: HttpResponseBase = match.func(request, *match.args, **match.kwargs)
        return response

    return view


def component_urlpatterns(name: str) -> list[URLPattern | URLResolver]:
    """The routes of one component, mounted at its prefix in this deployment."""
    component = COMPONENTS[name]
    prefix = mount_prefix(name, settings.OCS_COMPONENTS)
    urlconf = f"{component.package}.urls"
    schema_name = f"{name}-schema"
    patterns: list[URLPattern | URLResolver] = [
        re_path(_slashless(f"{prefix}health/"), health, name=f"{name}-health"),
        re_path(
            _slashless(f"{prefix}openapi/"),
            CachedSchemaView.as_view(urlconf=urlconf, custom_settings={"TITLE": component.title}),
            name=schema_name,
        ),
        re_path(
            _slashless(f"{prefix}redoc/"),
            _offline(RedocView.as_view(url_name=schema_name)),
            name=f"{name}-redoc",
        ),
    ]
    module = import_module(urlconf)
    if prefix:
        # "/configdb" answers like "/configdb/" (README §4.1), without a redirect
        patterns.append(re_path(rf"^{prefix.rstrip('/')}$", _component_root(urlconf)))
        patterns.append(path(prefix, include(urlconf)))
    else:
        patterns.append(path("", include(urlconf)))
    root_aliases = getattr(module, "root_aliases", None)
    if prefix and root_aliases is not None:
        patterns.append(path("", include(root_aliases)))
    return patterns


urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^health/?$", health, name="health"),
    re_path(r"^zpages/health/?$", health, name="zpages-health"),
    re_path(r"^metrics/?$", metrics_view, name="metrics"),
    re_path(r"^api/schema/?$", CachedSchemaView.as_view(), name="schema"),
    re_path(
        r"^api/schema/redoc/?$",
        _offline(RedocView.as_view(url_name="schema")),
        name="redoc",
    ),
    re_path(
        r"^api/schema/swagger-ui/?$",
        _offline(SwaggerView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    path("admin/", admin.site.urls),
]
for _name in settings.OCS_COMPONENTS:
    urlpatterns += component_urlpatterns(_name)
