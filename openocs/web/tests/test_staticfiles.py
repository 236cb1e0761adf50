"""Plotly.js is a static file taken from the plotly wheel."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders

from openocs.web.staticfiles import PackageFileFinder


def test_plotly_is_found_as_a_static_file() -> None:
    found = finders.find("plotly/plotly.min.js")
    assert found and Path(str(found)).name == "plotly.min.js"


def test_the_finder_lists_plotly_for_collectstatic() -> None:
    listed = list(PackageFileFinder().list(None))
    assert [(name, getattr(storage, "prefix", "")) for name, storage in listed] == [
        ("plotly.min.js", "plotly")
    ]
    assert PackageFileFinder().check() == []


def test_the_finder_knows_nothing_else() -> None:
    assert PackageFileFinder().find("web/other.js") == ""
    assert PackageFileFinder().find("web/other.js", find_all=True) == []
    assert len(PackageFileFinder().find("plotly/plotly.min.js", find_all=True)) == 1
    assert list(PackageFileFinder().list(["*.js"])) == []


def test_htmx_ships_in_django_htmx() -> None:
    assert finders.find("django_htmx/htmx-2.min.js")
