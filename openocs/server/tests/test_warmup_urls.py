"""The start-up warm-up compiles every URL pattern, so no route's first request does (issue 17)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver, resolve

from openocs.server import warmup


def _patterns(resolver: URLResolver) -> list[object]:
    found: list[object] = []
    for entry in resolver.url_patterns:
        found.append(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _patterns(entry)
    return found


def test_every_url_pattern_is_compiled_and_resolving_compiles_nothing_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patterns = _patterns(get_resolver())
    assert warmup.compile_url_patterns() == len(patterns) > 50
    assert all("regex" in vars(pattern) or vars(pattern).get("_regex_dict") for pattern in patterns)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"compiled at request time: {args[0]!r}")

    monkeypatch.setattr(re, "compile", refuse)
    assert resolve("/api/requestgroups/").url_name
    assert resolve("/api/requests/12/").kwargs == {"pk": "12"}
