"""Responses every page shares."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found_page(request: HttpRequest, what: str = "This page") -> HttpResponse:
    """Our 404 page, also in development (where Django would show its debug page): used for an
    object that does not exist or that the viewer may not see, which must look the same."""
    return render(request, "404.html", {"what": what}, status=404)
