"""Routers whose routes answer with and without the trailing slash (spec README §4.1)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import URLPattern, re_path
from rest_framework import routers


class OptionalSlashRouter(routers.DefaultRouter):
    """A ``DefaultRouter`` that serves ``/things`` and ``/things/`` alike, without redirects."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.trailing_slash = "/?"


class OptionalSlashSimpleRouter(routers.SimpleRouter):
    """A ``SimpleRouter`` (no API root view) with optional trailing slashes."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.trailing_slash = "/?"


def optional_slash_path(
    route: str, view: Callable[..., HttpResponseBase], name: str | None = None
) -> URLPattern:
    """Like ``path()`` for a fixed route (``"api/things/"``), matching with or without the slash.

    Only literal routes are supported; use a router or ``re_path`` for routes with parameters.
    """
    literal = route.rstrip("/")
    regex = "^" + literal.replace(".", r"\.") + "/?$" if literal else "^$"
    return re_path(regex, view, name=name)
