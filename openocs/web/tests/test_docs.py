"""The page template of docs/web.md renders in the shared layout."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory

DOC = Path(__file__).resolve().parents[3] / "docs" / "web.md"


def test_the_page_template_of_the_docs_renders() -> None:
    source = re.search(r"```django\n(.*?)```", DOC.read_text(), re.S)
    assert source is not None
    request = RequestFactory().get("/requests/42/")
    request.user = AnonymousUser()
    figure: dict[str, object] = {"data": [], "layout": {}}
    html = (
        engines["django"]
        .from_string(source.group(1))
        .render({"created": datetime(2026, 12, 7, tzinfo=UTC), "airmass": figure}, request)
    )
    assert "<title>Request 42 · OpenOCS</title>" in html
    assert 'class="badge badge--info"' in html
    assert 'datetime="2026-12-07T00:00:00Z"' in html
    assert 'data-plot="airmass-data"' in html
    assert 'href="#main"' in html  # the skip link of the layout
