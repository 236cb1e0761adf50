"""Routes of the request pages (beside the API, which owns ``api/``). Each answers with and
without its trailing slash; links are built with the slash."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import URLPattern, path, re_path

from openocs.portal.requestgroups.pages import requests as pages
from openocs.portal.requestgroups.pages import tools


def _page(regex: str, view: Callable[..., HttpResponseBase], name: str) -> list[URLPattern]:
    """``regex`` without its slash: ``path`` names the slashed URL, and the bare one answers."""
    slashed = regex.replace("(?P<pk>\\d+)", "<int:pk>") + "/"
    return [path(slashed, view, name=name), re_path(f"^{regex}$", view)]


urlpatterns: list[URLPattern] = [
    *_page("requestgroups", pages.requestgroup_list, "page-requestgroups"),
    *_page(r"requestgroups/(?P<pk>\d+)", pages.requestgroup_detail, "page-requestgroup"),
    *_page(
        r"requestgroups/(?P<pk>\d+)/cancel", pages.requestgroup_cancel, "page-requestgroup-cancel"
    ),
    *_page("requests", pages.request_list, "page-requests"),
    *_page(r"requests/(?P<pk>\d+)", pages.request_detail, "page-request"),
    *_page(r"requests/(?P<pk>\d+)/cancel", pages.request_cancel, "page-request-cancel"),
    *_page(r"requests/(?P<pk>\d+)/airmass", pages.request_airmass, "page-request-airmass"),
    *_page("tools", tools.tools, "page-tools"),
]
