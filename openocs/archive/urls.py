"""Routes of the archive, relative to its mount point (spec §3).

Co-hosted, ``root_aliases`` also serves ``/frames/`` and below at the host root (README §3.2).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, include, path, re_path

from openocs.archive import pages, views

root_aliases = "openocs.archive.frame_urls"


def _route(regex: str, view: Callable[..., HttpResponseBase], name: str) -> URLPattern:
    return re_path("^" + regex + "/?$", view, name=name)


urlpatterns: list[URLPattern | URLResolver] = [
    # the web pages (the archive's root is its search page; the API keeps its routes)
    path("", pages.search, name="archive-page-search"),
    path("frame/<int:pk>/", pages.frame_detail, name="archive-page-frame"),
    path("download-script/", pages.download_script, name="archive-page-script"),
    re_path(r"^", include("openocs.archive.frame_urls")),
    _route(r"versions", views.VersionListView.as_view(), "archive-versions"),
    _route(r"versions/(?P<pk>\d+)", views.VersionDetailView.as_view(), "archive-version"),
    _route(r"versions/exists", views.VersionExistsView.as_view(), "archive-versions-exists"),
    _route(r"thumbnails", views.ThumbnailListView.as_view(), "archive-thumbnails"),
    _route(r"thumbnails/(?P<pk>\d+)", views.ThumbnailDetailView.as_view(), "archive-thumbnail"),
    _route(r"frame-funpack/(?P<pk>\d+)/funpack", views.FunpackView.as_view(), "archive-funpack"),
    _route(r"frame-catalog/(?P<pk>\d+)/catalog", views.CatalogView.as_view(), "archive-catalog"),
    re_path(r"^files/(?P<path>.+)$", views.file_download, name="archive-file"),
    _route(r"profile", views.ProfileView.as_view(), "archive-profile"),
    _route(r"api-token-auth", views.TokenLoginView.as_view(), "archive-token"),
    _route(r"revoke_token", views.RevokeTokenView.as_view(), "archive-revoke-token"),
    _route(
        r"authprofile/addupdateuser", views.AddUpdateUserView.as_view(), "archive-addupdateuser"
    ),
]
