"""Routers whose routes answer with and without the trailing slash (spec README §4.1).

They also match ids by type: a viewset whose objects have integer ids (the default for a viewset
without a ``queryset``) only matches ``[0-9]+``, so ``/api/requests/abc/`` is a JSON 404 like any
unknown URL instead of reaching a database lookup that fails with a 500 (issue 14). A viewset
with string ids sets ``lookup_value_regex`` or has a ``queryset`` whose lookup field is text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import HttpResponseBase
from django.urls import URLPattern, re_path
from rest_framework import routers

INTEGER_ID = "[0-9]+"
ANY_ID = "[^/.]+"


def lookup_value_regex(viewset: Any) -> str:
    """The id pattern of a viewset's detail routes: integers unless its ids are text."""
    explicit: str | None = getattr(viewset, "lookup_value_regex", None)
    if explicit:
        return explicit
    queryset = getattr(viewset, "queryset", None)
    if queryset is not None:
        field_name = getattr(viewset, "lookup_field", "pk")
        meta = queryset.model._meta
        field = meta.pk if field_name == "pk" else meta.get_field(field_name)
        if not isinstance(field, models.IntegerField):
            return ANY_ID
    return INTEGER_ID


class _TypedIdsMixin:
    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{lookup_value_regex(viewset)})"


class OptionalSlashRouter(_TypedIdsMixin, routers.DefaultRouter):
    """A ``DefaultRouter`` that serves ``/things`` and ``/things/`` alike, without redirects."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.trailing_slash = "/?"


class OptionalSlashSimpleRouter(_TypedIdsMixin, routers.SimpleRouter):
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
