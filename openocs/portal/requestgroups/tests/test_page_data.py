"""What the request page shows beside the API's data: frames from the archive, why a request
waits, the airmass figure's gaps and blocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from openocs.portal.conftest import PersonaFactory
from openocs.portal.requestgroups import science_data
from openocs.portal.requestgroups.airmass_plot import _with_gaps
from openocs.portal.requestgroups.selectors import request_waiting_reasons

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _frames_archive(monkeypatch: pytest.MonkeyPatch, handler: Any) -> None:
    monkeypatch.setattr(
        science_data,
        "component_endpoint",
        lambda name: ("http://inprocess/archive/", httpx.MockTransport(handler)),
    )


@pytest.mark.django_db
def test_frames_come_with_browser_urls_and_the_smallest_thumbnail(
    monkeypatch: pytest.MonkeyPatch, make_persona: PersonaFactory
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        frame = {
            "id": 1,
            "basename": "f1",
            "url": "http://inprocess/archive/files/f1.fits.fz",
            "thumbnails": [
                {"size": "large", "url": "http://inprocess/archive/files/l.png"},
                {"size": "small", "url": "http://inprocess/archive/files/s.png"},
            ],
        }
        return httpx.Response(200, json={"count": 1, "next": None, "results": [frame]})

    _frames_archive(monkeypatch, handler)
    persona = make_persona("pia")
    http_request = RequestFactory().get("/requests/5/")
    data = science_data.request_data(request_id=5, user=persona.user, http_request=http_request)
    assert data.frames[0]["url"] == "http://testserver/archive/files/f1.fits.fz"
    assert data.frames[0]["thumbnail_url"] == "http://testserver/archive/files/s.png"
    assert data.archive_url == "http://testserver/archive/frames/?request_id=5"
    assert data.archive_page_url == "http://testserver/archive/?request_id=5"
    assert data.frames[0]["page_url"] == "http://testserver/archive/frame/1/"
    assert seen[0].headers["Authorization"] == f"Token {persona.token}"  # the viewer's rights
    assert seen[0].url.params["request_id"] == "5"


@pytest.mark.django_db
def test_an_archive_that_does_not_answer_is_said_so(
    monkeypatch: pytest.MonkeyPatch, make_persona: PersonaFactory
) -> None:
    _frames_archive(monkeypatch, lambda request: httpx.Response(503, json={"detail": "down"}))
    data = science_data.request_data(
        request_id=5, user=make_persona("pia").user, http_request=RequestFactory().get("/")
    )
    assert data.frames == [] and "does not answer" in data.message


@pytest.mark.django_db
def test_without_an_archive_the_page_says_there_is_none(
    monkeypatch: pytest.MonkeyPatch, make_persona: PersonaFactory
) -> None:
    def missing(name: str) -> Any:
        raise ImproperlyConfigured("no archive")

    monkeypatch.setattr(science_data, "component_endpoint", missing)
    data = science_data.request_data(
        request_id=5, user=make_persona("pia").user, http_request=RequestFactory().get("/")
    )
    assert "no science archive" in data.message


def _request(*, state: str = "PENDING", windows: list[tuple[int, int]], suspend: int = 0) -> Any:
    spans = [
        SimpleNamespace(start=NOW + timedelta(days=a), end=NOW + timedelta(days=b))
        for a, b in windows
    ]
    return SimpleNamespace(
        state=state,
        suspend_until=NOW + timedelta(days=suspend) if suspend else None,
        windows=SimpleNamespace(all=lambda: spans),
    )


def test_why_a_request_waits() -> None:
    assert request_waiting_reasons(
        _request(windows=[(-3, -1)]), now=NOW, observations=[], visible=None
    ) == ["All its windows have ended: it will be marked WINDOW_EXPIRED."]
    assert (
        "first window opens on 2026-12-09"
        in request_waiting_reasons(
            _request(windows=[(2, 3)]), now=NOW, observations=[], visible=True
        )[0]
    )
    suspended = request_waiting_reasons(
        _request(windows=[(-1, 3)], suspend=1), now=NOW, observations=[], visible=False
    )
    assert suspended[0].startswith("Staff have suspended its scheduling until 2026-12-08")
    assert "not visible" in suspended[1]
    assert (
        "waiting for telescope time"
        in request_waiting_reasons(
            _request(windows=[(-1, 3)]), now=NOW, observations=[], visible=True
        )[0]
    )


def test_a_scheduled_or_finished_request_does_not_wait() -> None:
    coming = SimpleNamespace(state="PENDING", end=NOW + timedelta(hours=2))
    assert (
        request_waiting_reasons(
            _request(windows=[(-1, 3)]), now=NOW, observations=[coming], visible=True
        )
        == []
    )
    assert (
        request_waiting_reasons(
            _request(state="COMPLETED", windows=[(-1, 3)]), now=NOW, observations=[], visible=True
        )
        == []
    )


def test_airmass_lines_break_between_visible_intervals() -> None:
    xs, ys = _with_gaps(
        ["2026-12-07T01:00", "2026-12-07T01:10", "2026-12-07T05:00"], [1.5, 1.4, 1.9]
    )
    assert xs == ["2026-12-07T01:00", "2026-12-07T01:10", None, "2026-12-07T05:00"]
    assert ys == [1.5, 1.4, None, 1.9]
