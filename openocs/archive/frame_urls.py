"""The ``frames/`` routes; included under the archive root and, co-hosted, at the host root."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import URLPattern, re_path

from openocs.archive import views


def _route(regex: str, view: Callable[..., HttpResponseBase], name: str) -> URLPattern:
    return re_path("^" + regex + "/?$", view, name=name)


urlpatterns: list[URLPattern] = [
    _route(r"frames", views.FrameListView.as_view(), "archive-frames"),
    _route(r"frames/aggregate", views.FrameAggregateView.as_view(), "archive-aggregate"),
    _route(r"frames/zip", views.FrameZipView.as_view(), "archive-zip"),
    _route(r"frames/(?P<pk>\d+)", views.FrameDetailView.as_view(), "archive-frame"),
    _route(r"frames/(?P<pk>\d+)/headers", views.FrameHeadersView.as_view(), "archive-headers"),
    _route(r"frames/(?P<pk>\d+)/related", views.FrameRelatedView.as_view(), "archive-related"),
    _route(r"frames/(?P<pk>\d+)/download", views.FrameDownloadView.as_view(), "archive-download"),
]
