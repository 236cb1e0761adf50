"""Responses every page shares."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found_page(request: HttpRequest, what: str = "This page") -> HttpResponse:
    """Our 404 page, also in development (where Django would show its debug page): used for an
    object that does not exist or that the viewer may not see, which must look the same."""
    return render(request, "404.html", {"what": what}, status=404)


def error_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int
) -> HttpResponse:
    """A page answering an error status (a form with mistakes, a refusal) that stays a page even
    under a component's API prefix, where the server turns Django's error pages into JSON."""
    response = render(request, template, context, status=status)
    response.ocs_page = True  # type: ignore[attr-defined]
    return response
