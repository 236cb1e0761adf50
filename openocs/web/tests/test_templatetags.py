"""The shared template tags render states, times, fields, tables, pages and plots."""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from openocs.web.presentation import as_utc, state_label, state_tone
from openocs.web.tables import Column, Table


def render(source: str, **context: object) -> str:
    request = context.pop("request", None)
    template = Template("{% load ocs_web %}" + source)
    if request is not None:
        return template.render(RequestContext(request, context))  # type: ignore[arg-type]
    return template.render(Context(context))


def test_state_badge_colours_each_kind_of_state() -> None:
    assert state_tone("PENDING") == "info"
    assert state_tone("completed") == "success"
    assert state_tone("FAILURE_LIMIT_REACHED") == "danger"
    assert state_tone("WINDOW_EXPIRED") == "muted"
    assert state_tone("SOMETHING_NEW") == "neutral"
    html = render("{% state_badge s %}", s="WINDOW_EXPIRED")
    assert 'class="badge badge--muted"' in html
    assert ">Window expired<" in html


def test_state_badge_of_nothing_says_unknown() -> None:
    assert "Unknown" in render("{% state_badge s %}", s=None)


def test_state_labels_read_as_words() -> None:
    assert state_label("IN_PROGRESS") == "In progress"


def test_utc_shows_utc_and_keeps_the_instant_machine_readable() -> None:
    moment = datetime(2026, 12, 7, 16, 30, 5, tzinfo=UTC)
    html = render("{% utc t %}", t=moment)
    assert html == '<time datetime="2026-12-07T16:30:05Z" data-utc>2026-12-07 16:30 UTC</time>'
    assert ">2026-12-07<" in render('{% utc t "date" %}', t=moment)
    assert "—" in render("{% utc t %}", t=None)


def test_utc_accepts_iso_strings_and_naive_datetimes_as_utc() -> None:
    assert as_utc("2026-12-07T16:30:00Z") == datetime(2026, 12, 7, 16, 30, tzinfo=UTC)
    assert as_utc(datetime(2026, 12, 7, 16, 30)) == datetime(2026, 12, 7, 16, 30, tzinfo=UTC)


def test_hours_filter() -> None:
    assert render("{{ s|hours }}", s=5400) == "1.5 h"
    assert render("{{ s|hours }}", s=3600 * 250) == "250 h"
    assert render("{{ s|hours }}", s=None) == "—"
    assert render("{{ s|hours }}", s=900) == "15 min"


class _Form(forms.Form):
    exposure_time = forms.FloatField(label="Exposure time", help_text="Seconds.")
    guiding = forms.BooleanField(required=False)


def test_field_puts_the_error_beside_the_input_and_links_them() -> None:
    form = _Form(data={"exposure_time": "long"})
    html = render("{% field f.exposure_time %}", f=form)
    assert 'for="id_exposure_time"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_exposure_time-help id_exposure_time-error"' in html
    assert 'id="id_exposure_time-error"' in html
    assert "Enter a number." in html


def test_field_puts_a_checkbox_before_its_label() -> None:
    html = render("{% field f.guiding %}", f=_Form())
    assert html.index('type="checkbox"') < html.index("<label")


def test_pagination_keeps_the_other_query_parameters() -> None:
    request = RequestFactory().get("/requestgroups/", {"state": "PENDING", "page": "5"})
    page = Paginator(list(range(200)), 10).page(5)
    html = render("{% pagination p %}", p=page, request=request)
    assert "?state=PENDING&amp;page=4" in html
    assert 'aria-current="page"' in html
    assert "…" in html  # pages far from 5 are elided
    assert "41–50 of 200" in html


def test_pagination_of_a_single_page_shows_nothing() -> None:
    request = RequestFactory().get("/")
    page = Paginator([1, 2], 10).page(1)
    assert render("{% pagination p %}", p=page, request=request).strip() == ""


def test_data_table_renders_sort_links_and_empty_rows() -> None:
    request = RequestFactory().get("/x", {"ordering": "name"})
    table = Table("Groups", [Column("Name", sort_key="name"), Column("Hours", numeric=True)])
    html = render("{% data_table t %}", t=table, request=request)
    assert 'aria-sort="ascending"' in html
    assert "?ordering=-name" in html
    assert "(sort descending)</span>" in html  # the link says what it does
    assert "Nothing to show yet." in html
    table.rows = [["M31", 1.5]]
    html = render("{% data_table t %}", t=table, request=request)
    assert '<td class="num">1.5</td>' in html


def test_plot_embeds_the_figure_as_json_for_the_script() -> None:
    figure = {"data": [{"x": [1], "y": [2]}], "layout": {"title": {"text": "Airmass"}}}
    html = render('{% plot f "airmass" %}', f=figure)
    assert 'id="airmass"' in html
    assert 'data-plot="airmass-data"' in html
    assert '<script id="airmass-data" type="application/json">' in html
    assert 'aria-label="Airmass"' in html
    assert "plotly/plotly.min.js" in html
