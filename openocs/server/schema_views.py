"""The OpenAPI views: the schema is generated once per process, and the documentation pages
answer only GET (OPTIONS on a template page used to fail with a 500).

Generating a schema walks every view and serializer of a component (hundreds of milliseconds);
the routes cannot change while the process runs, so each (URL configuration, version, settings)
schema is built on first use and kept.
"""

from __future__ import annotations

import threading
from typing import Any

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.request import Request
from rest_framework.response import Response

_schemas: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def clear_schema_cache() -> None:
    with _lock:
        _schemas.clear()


def cached_schema_count() -> int:
    return len(_schemas)


class CachedSchemaView(SpectacularAPIView):
    """``SpectacularAPIView`` whose schema is built once per process."""

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)  # type: ignore[no-untyped-call]
        key = (
            str(self.urlconf),
            version,
            tuple(sorted((self.custom_settings or {}).items())),
            getattr(request, "LANGUAGE_CODE", None),
        )
        with _lock:
            schema = _schemas.get(key)
            if schema is None:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                schema = generator.get_schema(  # type: ignore[no-untyped-call]
                    request=request, public=self.serve_public
                )
                _schemas[key] = schema
        filename = self._get_filename(request, version)  # type: ignore[no-untyped-call]
        return Response(
            data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )


class RedocView(SpectacularRedocView):
    http_method_names = ["get", "head"]


class SwaggerView(SpectacularSwaggerView):
    http_method_names = ["get", "head"]
