"""On PostgreSQL an exact count that runs too long is replaced by the planner's estimate."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.db.models import QuerySet

from openocs.archive.tests.conftest import record


@pytest.fixture
def on_postgresql(db: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("count estimation is a PostgreSQL feature")


def test_slow_count_falls_back_to_an_estimate(
    on_postgresql: None, ingest_user: Any, anonymous: Any, store_root: Any, monkeypatch: Any
) -> None:
    for name in ("a", "b", "c"):
        ingest_user.client.post("/archive/frames/", record(name), format="json")
    exact = anonymous.get("/archive/frames/").json()
    assert (exact["count"], exact["count_estimated"]) == (3, False)

    def timed_out(self: QuerySet[Any]) -> int:
        raise DatabaseError("canceling statement due to statement timeout")

    monkeypatch.setattr(QuerySet, "count", timed_out)
    body = anonymous.get("/archive/frames/").json()
    assert body["count_estimated"] is True
    assert isinstance(body["count"], int) and body["count"] >= 0
    assert len(body["results"]) == 3


def test_cheap_queries_always_count_exactly(
    on_postgresql: None, ingest_user: Any, anonymous: Any, store_root: Any
) -> None:
    ingest_user.client.post("/archive/frames/", record("a", request_id=9), format="json")
    body = anonymous.get("/archive/frames/", {"request_id": 9}).json()
    assert (body["count"], body["count_estimated"]) == (1, False)


def test_the_search_page_says_about_when_it_shows_an_estimate(
    on_postgresql: None, ingest_user: Any, store_root: Any, monkeypatch: Any
) -> None:
    from django.test import Client

    for name in ("a", "b"):
        ingest_user.client.post("/archive/frames/", record(name), format="json")
    page = Client().get("/archive/").content.decode()
    assert "About" not in page and "<strong>2</strong> frames" in page

    def timed_out(self: QuerySet[Any]) -> int:
        raise DatabaseError("canceling statement due to statement timeout")

    monkeypatch.setattr(QuerySet, "count", timed_out)
    page = Client().get("/archive/").content.decode()
    assert "About <strong>" in page


def test_an_unfiltered_view_of_a_large_archive_is_estimated_without_counting(
    on_postgresql: None, ingest_user: Any, store_root: Any, monkeypatch: Any
) -> None:
    from django.test import Client

    from openocs.archive import pages

    for name in ("a", "b"):
        ingest_user.client.post("/archive/frames/", record(name), format="json")
    monkeypatch.setattr(pages, "PAGE_UNFILTERED_EXACT_MAX", -1)  # "large" from 0 frames up
    counted: list[int] = []
    real_count = QuerySet.count

    def count(self: QuerySet[Any]) -> int:
        counted.append(1)
        return real_count(self)

    monkeypatch.setattr(QuerySet, "count", count)
    assert "About <strong>" in Client().get("/archive/").content.decode()
    assert counted == []
    filtered = Client().get("/archive/", {"basename": "a"}).content.decode()
    assert "About" not in filtered and counted == [1]
