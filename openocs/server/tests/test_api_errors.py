"""Every API route answers errors as JSON and never 500s on ids, methods or hostile bodies.

The routes are read from the URL configuration, so a new route is covered without a new test:
each is called with integer ids, with non-integer ids and with OPTIONS, as staff and anonymous.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from openocs.portal.conftest import PersonaFactory, make_persona  # noqa: F401
from openocs.server.middleware import is_api_path
from openocs.web.clients import reset_clients

_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def _routes(patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "") -> list[str]:
    """Every route as a regex string (the prefixes of included URL configurations joined)."""
    found: list[str] = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        regex = str(pattern.pattern.regex.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, prefix + regex)
        else:
            found.append(prefix + regex)
    return found


def _concrete(route: str, id_value: str) -> str | None:
    """A URL for ``route`` with every parameter set to ``id_value``; None for open patterns."""
    path = _GROUP.sub(id_value, route)
    path = path.replace("/?$", "/").replace("$", "").replace("\\.", ".").replace("\\Z", "")
    if any(char in path for char in "()[]*+?\\|"):
        return None
    return "/" + path


def api_urls(id_value: str) -> list[str]:
    urls = {_concrete(route, id_value) for route in _routes()}
    return sorted(url for url in urls if url and is_api_path(url))


def _assert_json_error(response: Any, url: str) -> None:
    assert response.status_code < 500, (url, response.status_code, response.content[:300])
    if response.status_code >= 400 and not getattr(response, "ocs_page", False):
        # a web page under a component's prefix (the downtime pages) answers its own error page
        # (openocs.web.responses.error_page); everything else under an API prefix is JSON
        assert response["Content-Type"].startswith(("application/json", "text/plain")), (
            url,
            response.status_code,
            response["Content-Type"],
        )


@pytest.fixture(autouse=True)
def fresh_clients() -> Iterator[None]:
    """The walk reads configdb while it is empty: forget those copies afterwards."""
    reset_clients()
    yield
    reset_clients()


@pytest.fixture
def staff(make_persona: PersonaFactory) -> APIClient:  # noqa: F811
    client = make_persona("root", is_staff=True, is_superuser=True, staff_view=True).client
    client.raise_request_exception = False
    return client


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


def test_the_route_walk_finds_the_routes_of_every_component() -> None:
    urls = api_urls("1")
    for expected in ("/api/requests/1/", "/configdb/sites/1/", "/downtime/api/1/", "/frames/1/"):
        assert expected in urls


@pytest.mark.parametrize("id_value", ["abc", "1.5", "-1", "99999999999999999999999"])
def test_non_integer_ids_are_json_404s_never_500s(
    staff: APIClient, anonymous: Client, id_value: str
) -> None:
    for url in api_urls(id_value):
        for client in (staff, anonymous):
            response = client.get(url)
            _assert_json_error(response, url)


def test_requests_with_a_text_id_are_not_found_even_anonymously(anonymous: Client) -> None:
    for url in (
        "/api/requests/abc/",
        "/api/requestgroups/abc/",
        "/api/observations/abc/",
        "/api/schedule/abc/",
        "/api/configurationstatus/abc/",
        "/api/requests/abc/observations/",
        "/api/requestgroups/abc/cancel/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


def test_every_route_answers_options_without_a_500(staff: APIClient, anonymous: Client) -> None:
    for url in api_urls("1"):
        for client in (staff, anonymous):
            _assert_json_error(client.options(url), url)


def test_options_on_the_schedule_describes_direct_submission(staff: APIClient) -> None:
    response = staff.options("/api/schedule/")
    assert response.status_code == 200
    assert "POST" in response.json()["actions"]


def test_unknown_api_urls_and_wrong_methods_are_json(staff: APIClient) -> None:
    response = staff.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    response = staff.get("/downtime/no-such-thing/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    response = staff.delete("/api/last_changed/")
    assert response.status_code == 405
    assert "DELETE" in response.json()["detail"]


def test_pages_outside_the_apis_keep_html_errors(anonymous: Client) -> None:
    response = anonymous.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_body_over_the_limit_is_413_naming_the_limit(staff: APIClient, settings: Any) -> None:
    settings.OCS_MAX_REQUEST_BYTES = 4096
    body = json.dumps({"name": "x" * 5000})
    response = staff.post("/api/requestgroups/validate/", body, content_type="application/json")
    assert response.status_code == 413
    assert "OCS_MAX_REQUEST_BYTES" in response.json()["detail"]


def test_a_five_megabyte_body_is_refused_as_json(staff: APIClient) -> None:
    body = json.dumps({"name": "x" * (5 * 1024 * 1024)})
    response = staff.post("/api/requestgroups/", body, content_type="application/json")
    assert response.status_code == 413
    assert "2621440 bytes" in response.json()["detail"]


def test_nul_in_a_query_parameter_is_400_naming_it(anonymous: Client) -> None:
    response = anonymous.get("/api/requestgroups/", {"name": "a\x00b"})
    assert response.status_code == 400
    assert response.json() == {"name": ["Null characters are not allowed."]}


def test_json_nested_five_thousand_deep_is_400(staff: APIClient) -> None:
    body = "[" * 5000 + "]" * 5000
    response = staff.post("/api/requestgroups/validate/", body, content_type="application/json")
    assert response.status_code == 400
    assert "OCS_MAX_JSON_DEPTH" in response.json()["detail"]


def test_json_nested_beyond_the_limit_names_where(staff: APIClient) -> None:
    body: Any = "deep"
    for _ in range(40):
        body = {"a": body}
    response = staff.post("/api/requestgroups/validate/", body, format="json")
    assert response.status_code == 400
    assert "OCS_MAX_JSON_DEPTH" in json.dumps(response.json())


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_400_naming_the_field(staff: APIClient, literal: str) -> None:
    body = '{"name": "x", "ipp_value": ' + literal + ', "requests": []}'
    response = staff.post("/api/requestgroups/validate/", body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["ipp_value"]


def test_nul_in_a_json_key_is_400_naming_the_object(staff: APIClient) -> None:
    body = {"requests": [{"extra_params": {"a\x00": 1}}]}
    response = staff.post("/api/requestgroups/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "requests": [{"extra_params": ["Null characters are not allowed in keys."]}]
    }


def test_the_schema_is_built_once_per_process(anonymous: Client, monkeypatch: Any) -> None:
    from drf_spectacular.generators import SchemaGenerator

    from openocs.server.schema_views import clear_schema_cache

    clear_schema_cache()
    calls: list[int] = []
    original = SchemaGenerator.get_schema

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(self, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    first = anonymous.get("/configdb/openapi/", HTTP_ACCEPT="application/json")
    second = anonymous.get("/configdb/openapi/", HTTP_ACCEPT="application/json")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert calls == [1]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/requests/?id=12296097936607939437689075312053190656", "id"),
        ("/api/observations/?request_id=12296097936607939437689075312053190656", "request_id"),
        ("/api/requestgroups/?id=-12296097936607939437689075312053190656", "id"),
        (
            "/configdb/opticalelementgroups/?optical_elements=12296097936607939437689075312053190656",
            "optical_elements",
        ),
    ],
)
def test_integer_filters_beyond_64_bits_are_400_naming_the_parameter(
    db: Any, anonymous: Client, url: str, parameter: str
) -> None:
    response = anonymous.get(url)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_integer_filters_in_range_still_filter(db: Any, anonymous: Client) -> None:
    assert anonymous.get("/api/requests/?id=12,13").status_code == 200
    assert anonymous.get("/api/observations/?request_id=abc").status_code == 400
