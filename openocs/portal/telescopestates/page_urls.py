"""Route of the telescopes page."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from openocs.portal.telescopestates import pages

urlpatterns: list[URLPattern] = [
    path("telescopes/", pages.telescopes, name="page-telescopes"),
    re_path(r"^telescopes$", pages.telescopes),
]
