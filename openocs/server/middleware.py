"""Request limits and JSON error bodies for every API route (issue 14).

``ApiErrorMiddleware`` sits near the top of the stack, so it sees every request before a view
and every response after Django's own error handlers:

- a body larger than ``OCS_MAX_REQUEST_BYTES`` (multipart uploads excepted) is refused with
  413 before it is read, naming the limit;
- a NUL character in the query string is refused with 400 naming the parameter (PostgreSQL
  refuses NUL in text, which would otherwise surface as a 500);
- under an API prefix, an error answered as an HTML page (Django's 404, 405, 400, 403, 500
  pages) is replaced by the compatible JSON shape ``{"detail": "..."}``; a component's own page
  answering an error status (``openocs.web.responses.error_page``) stays a page.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from openocs.server.components import mount_prefix

DEFAULT_MAX_REQUEST_BYTES = 2_621_440  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE


def max_request_bytes() -> int:
    return int(getattr(settings, "OCS_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES))


def api_prefixes() -> tuple[str, ...]:
    """URL prefixes whose errors are JSON: the portal's API and every other component."""
    enabled = list(settings.OCS_COMPONENTS)
    prefixes = ["/api/", "/o/", "/frames/"]
    for name in enabled:
        if name == "portal":
            continue
        prefixes.append("/" + mount_prefix(name, enabled))
    return tuple(prefixes)


def is_api_path(path: str) -> bool:
    if path.rstrip("/") in {"/api", "/o", "/frames"}:
        return True
    prefixes = api_prefixes()
    return path.startswith(prefixes) or any(path == p.rstrip("/") for p in prefixes)


def error_detail(status: int, request: HttpRequest) -> str:
    if status == HTTPStatus.NOT_FOUND:
        return "Not found."
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        return f'Method "{request.method}" not allowed.'
    if status == HTTPStatus.INTERNAL_SERVER_ERROR:
        return "Internal server error."
    if status == HTTPStatus.FORBIDDEN:
        return "You do not have permission to perform this action."
    if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        return _too_large(request)
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "Error."


def _too_large(request: HttpRequest) -> str:
    return (
        f"Request body too large: the limit is {max_request_bytes()} bytes (OCS_MAX_REQUEST_BYTES)."
    )


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refusal = self.refuse(request)
        response = refusal if refusal is not None else self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_path(request.path)
            and not getattr(response, "ocs_page", False)  # openocs.web.responses.error_page
        ):
            return self.as_json(request, response)
        return response

    def refuse(self, request: HttpRequest) -> HttpResponseBase | None:
        content_type = request.META.get("CONTENT_TYPE", "")
        if (
            not content_type.startswith("multipart/")
            and _content_length(request) > max_request_bytes()
        ):
            return JsonResponse({"detail": _too_large(request)}, status=413)
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    name = key.replace("\x00", "\\x00")
                    return JsonResponse({name: ["Null characters are not allowed."]}, status=400)
        return None

    def as_json(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if content_type.startswith("application/json") or content_type.startswith("text/plain"):
            return response
        if response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR and settings.DEBUG:
            return response  # keep Django's debug page for the developer
        body = b"" if response.streaming else response.content  # type: ignore[attr-defined]
        if body.strip() and not body.lstrip().startswith(b"<"):
            # A message in the reference's plain-text shape: keep it, say what it is.
            response["Content-Type"] = "text/plain; charset=utf-8"
            return response
        replacement = JsonResponse(
            {"detail": error_detail(response.status_code, request)},
            status=response.status_code,
        )
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replacement[header] = response[header]
        return replacement
