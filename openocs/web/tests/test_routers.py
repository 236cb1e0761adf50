"""Detail routes match ids by type: integer ids only match digits."""

from __future__ import annotations

from typing import Any

from rest_framework import viewsets

from openocs.web.routers import ANY_ID, INTEGER_ID, OptionalSlashSimpleRouter, lookup_value_regex


class _NoQueryset(viewsets.ViewSet):
    def retrieve(self, request: Any, pk: str | None = None) -> None:  # pragma: no cover
        return None


class _TextIds(_NoQueryset):
    lookup_value_regex = "[A-Z]+"


def test_a_viewset_without_a_queryset_has_integer_ids() -> None:
    assert lookup_value_regex(_NoQueryset) == INTEGER_ID


def test_an_explicit_pattern_wins() -> None:
    assert lookup_value_regex(_TextIds) == "[A-Z]+"


def test_a_text_primary_key_matches_any_id() -> None:
    from django.contrib.sessions.models import Session

    class _Sessions(_NoQueryset):
        queryset = Session.objects.all()

    assert lookup_value_regex(_Sessions) == ANY_ID


def test_the_router_builds_the_typed_pattern() -> None:
    router = OptionalSlashSimpleRouter()
    router.register("things", _NoQueryset, basename="things")
    patterns = [str(url.pattern) for url in router.urls]
    assert any("(?P<pk>[0-9]+)" in pattern for pattern in patterns)
