"""Routes of the front page, relative to the portal's mount point."""

from __future__ import annotations

from django.urls import URLPattern, re_path

from openocs.portal.home import pages

urlpatterns: list[URLPattern] = [re_path(r"^$", pages.home, name="page-home")]
