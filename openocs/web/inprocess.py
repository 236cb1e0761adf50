"""An httpx transport that answers requests with this deployment's own Django views.

Co-hosted components (the embedded shape) talk to each other through the same typed clients as
split deployments; this transport lets those clients reach a co-hosted component without a network
hop. It resolves the request's path against the URLconf and calls the view directly.

It deliberately bypasses Django's WSGI handler: the handler sends ``request_started`` and
``request_finished``, whose receivers close "old" database connections — in the middle of the
*caller's* transaction, since the caller and the view share the thread's connection. Middleware is
therefore not run either; the components' REST views authenticate the ``Authorization`` header
themselves (DRF), which is passed through unchanged. Views see the caller's transaction, so a view
that writes joins it (as a savepoint when the view is atomic).
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import httpx
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve

INPROCESS_HOST = "inprocess"
INPROCESS_BASE_URL = f"http://{INPROCESS_HOST}/"


class _InProcessRequest(WSGIRequest):
    """A WSGI request whose host is trusted: it never came from the network."""

    def get_host(self) -> str:
        return str(self.META["HTTP_HOST"])


def _environ(request: httpx.Request, body: bytes) -> dict[str, object]:
    url = request.url
    port = url.port or (443 if url.scheme == "https" else 80)
    host = url.host if url.port is None else f"{url.host}:{url.port}"
    environ: dict[str, object] = {
        "REQUEST_METHOD": request.method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(url.raw_path.split(b"?", 1)[0].decode("ascii")),
        "QUERY_STRING": url.query.decode("ascii"),
        "SERVER_NAME": url.host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": host,
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key not in ("CONTENT_LENGTH", "HOST"):
            environ[f"HTTP_{key}"] = value
    return environ


def _to_httpx(response: HttpResponseBase, request: httpx.Request) -> httpx.Response:
    render = getattr(response, "render", None)
    if callable(render) and not getattr(response, "is_rendered", True):
        render()
    if response.streaming:
        content = b"".join(
            part if isinstance(part, bytes) else str(part).encode()
            for part in response.streaming_content  # type: ignore[attr-defined]
        )
    else:
        content = response.content  # type: ignore[attr-defined]
    _release(response)
    headers = [
        (name, value) for name, value in response.items() if name.lower() != "content-length"
    ]
    return httpx.Response(response.status_code, headers=headers, content=content, request=request)


def _release(response: HttpResponseBase) -> None:
    """Close the response's resources (open files) WITHOUT ``HttpResponse.close()``, which sends
    ``request_finished`` and so would close the caller's database connection mid-transaction."""
    closers = getattr(response, "_resource_closers", [])
    for closer in closers:
        closer()
    closers.clear()


class InProcessTransport(httpx.BaseTransport):
    """Serve httpx requests by calling the resolved Django view in this process and thread.

    ``urlconf`` defaults to ``settings.ROOT_URLCONF``. Unknown paths get a 404 JSON body like a
    DRF 404; exceptions in views are turned into responses the way Django's handler does.
    """

    def __init__(self, *, urlconf: str | None = None) -> None:
        self.urlconf = urlconf

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        django_request = _InProcessRequest(_environ(request, body))
        try:
            match = resolve(django_request.path_info, urlconf=self.urlconf)
        except Resolver404:
            return httpx.Response(404, json={"detail": "Not found."}, request=request)
        django_request.resolver_match = match

        def call_view(request_: HttpRequest) -> Any:
            return match.func(request_, *match.args, **match.kwargs)

        # Turns Http404, PermissionDenied, … into responses, as Django's handler does.
        response = convert_exception_to_response(call_view)(django_request)
        if not isinstance(response, HttpResponseBase):
            raise TypeError(f"{match.view_name} is asynchronous; the in-process transport is sync")
        return _to_httpx(response, request)
