"""Post-processing of the OpenAPI schema so it says what the server does (issue 14).

Error answers: see :func:`add_error_responses`; times of day: see :func:`describe_times`.

Any operation may answer 400 (a field or a parameter refused), 401 (missing or invalid
credentials), 403 (not allowed), 404 (unknown object or URL), 405 (method), 413 (body over
``OCS_MAX_REQUEST_BYTES``), 415 (unsupported body type), 429 (throttled) and 503 (a service it
depends on is down). Errors are JSON objects (``{"detail": ...}`` or a field tree) or, where the
reference answers so, a list of messages or plain text. The hook adds those responses to each
operation that does not describe them itself.
"""

from __future__ import annotations

import copy
from typing import Any

ERROR_STATUSES = {
    "400": "The request was refused: the body names each field or parameter.",
    "401": "Missing or invalid credentials.",
    "403": "Not allowed for these credentials.",
    "404": "No such object, or not visible to these credentials.",
    "405": "Method not allowed on this route.",
    "413": "Request body larger than OCS_MAX_REQUEST_BYTES.",
    "415": "Unsupported body media type.",
    "429": "Throttled: too many calls, retry after the Retry-After header.",
    "502": "An upstream source answered with an error.",
    "503": "A service this operation depends on is unavailable.",
}

ERROR_SCHEMA: dict[str, Any] = {
    "description": 'An error: `{"detail": ...}`, a tree of field errors, or a message list.',
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {}},
        {"type": "string"},
    ],
}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the error responses of every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or method.startswith("x-"):
                continue
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                # An error a view documents itself may also come as the reference's plain text.
                if status >= "400" and isinstance(response, dict):
                    response.setdefault("content", {}).setdefault(
                        "text/plain", {"schema": {"type": "string"}}
                    )
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": reference},
                            "text/plain": {"schema": {"type": "string"}},
                        },
                    },
                )
    return result


# "HH:MM[:SS[.ffffff]]" as Django renders a TimeField: OpenAPI's "time" format is RFC 3339's
# full-time, which requires a UTC offset our (and the reference's) times never carry.
TIME_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"


def describe_times(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: times of day as the pattern the server writes."""
    stack: list[Any] = [result]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("format") == "time" and node.get("type") == "string":
                del node["format"]
                node["pattern"] = TIME_PATTERN
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return result


def attach_request_examples(
    result: dict[str, Any], generator: Any = None, **kwargs: Any
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the request-body example of each write route, from
    :data:`openocs.server.request_examples.EXAMPLES`."""
    from openocs.server.components import COMPONENTS
    from openocs.server.request_examples import example_for

    urlconf = str(getattr(generator, "urlconf", None) or "")
    prefix = next(
        (c.cohosted_prefix for c in COMPONENTS.values() if urlconf == f"{c.package}.urls"), ""
    )
    for path, path_item in result.get("paths", {}).items():
        for method in ("post", "put", "patch"):
            operation = path_item.get(method)
            found = example_for(method, path, prefix) if operation else None
            if found is None:
                continue
            summary, value = found
            # JSON only: a nested body has no form-encoded spelling.
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media is not None:
                example = {"summary": summary, "value": copy.deepcopy(value)}
                media["examples"] = {"example": example}
    return result
