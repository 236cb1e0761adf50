"""Template tags of the shared web layout: ``{% load ocs_web %}``.

- ``{% state_badge state %}``: a coloured badge for any request, observation, configuration or
  telescope state.
- ``{% utc moment %}`` / ``{% utc moment "date" %}``: a ``<time>`` in UTC; openocs.js adds the
  reader's local time as its tooltip.
- ``{% pagination page_obj %}``: previous/next and page numbers, keeping the other query
  parameters.
- ``{% field form.name %}``: label, widget, help text and the field's errors beside it.
- ``{% data_table table %}``: a :class:`openocs.web.tables.Table`.
- ``{% sort_header "Label" "key" ordering %}``: a column header; with a key, a link that sorts
  by it (``?ordering=key``, then ``-key``), its direction in ``aria-sort`` and in words for screen
  readers. ``numeric=True`` aligns it right.
- ``{% plot figure "element-id" "What the plot shows" %}``: a Plotly figure (``{"data": [...],
  "layout": {...}}``) prepared in Python, embedded with ``json_script`` and drawn by openocs.js,
  which loads Plotly.js only on pages that have a plot. An optional ``"config"`` is merged into
  Plotly's (``displayModeBar``, ``scrollZoom``…); a point whose ``customdata`` is a path on this
  site (``/requests/7/``) opens it when clicked.
- ``{{ seconds|hours }}``: ``5400`` → ``1.5 h``, ``900`` → ``15 min``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.forms import BoundField, CheckboxInput
from django.utils.html import format_html
from django.utils.safestring import SafeString

from openocs.web.presentation import as_utc, iso_utc, state_label, state_tone, utc_text
from openocs.web.tables import Table

register = template.Library()


@register.simple_tag
def state_badge(state: str | None) -> SafeString:
    if not state:
        return format_html('<span class="badge badge--neutral">{}</span>', "Unknown")
    return format_html(
        '<span class="badge badge--{}" data-state="{}">{}</span>',
        state_tone(state),
        state,
        state_label(state),
    )


@register.simple_tag
def utc(moment: datetime | str | None, style: str = "datetime") -> SafeString:
    when = as_utc(moment)
    if when is None:
        return format_html('<span class="muted">{}</span>', "—")
    return format_html(
        '<time datetime="{}" data-utc>{}</time>', iso_utc(when), utc_text(when, style)
    )


@register.filter
def hours(seconds: float | int | None) -> str:
    if seconds is None:
        return "—"
    if abs(float(seconds)) < 3600:
        return f"{float(seconds) / 60.0:.0f} min"
    value = float(seconds) / 3600.0
    return f"{value:,.1f} h" if abs(value) < 100 else f"{value:,.0f} h"


@register.inclusion_tag("web/partials/pagination.html", takes_context=True)
def pagination(context: template.Context, page_obj: Any) -> dict[str, Any]:
    pages: list[int | None] = []
    if page_obj is not None and page_obj.paginator.num_pages > 1:
        current = page_obj.number
        last = page_obj.paginator.num_pages
        shown = {1, last, *range(max(1, current - 2), min(last, current + 2) + 1)}
        previous = 0
        for number in sorted(shown):
            if number - previous > 1:
                pages.append(None)  # an ellipsis
            pages.append(number)
            previous = number
    return {"page_obj": page_obj, "pages": pages, "request": context.get("request")}


@register.inclusion_tag("web/partials/field.html")
def field(bound_field: BoundField, **attrs: Any) -> dict[str, Any]:
    auto_id = bound_field.auto_id or bound_field.html_name
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{auto_id}-help")
    if bound_field.errors:
        described_by.append(f"{auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return {
        "field": bound_field,
        "auto_id": auto_id,
        "widget": bound_field.as_widget(attrs=attrs),
        "checkbox": isinstance(bound_field.field.widget, CheckboxInput),
    }


@register.inclusion_tag("web/partials/table.html", takes_context=True)
def data_table(context: template.Context, table: Table) -> dict[str, Any]:
    request = context.get("request")
    ordering = request.GET.get("ordering", "") if request is not None else ""
    rows = [
        [
            {"value": value, "numeric": column.numeric}
            for value, column in zip(row, table.columns, strict=False)
        ]
        for row in table.rows
    ]
    return {"table": table, "ordering": ordering, "rows": rows, "request": request}


@register.inclusion_tag("web/partials/sort_header.html", takes_context=True)
def sort_header(
    context: template.Context, label: str, key: str, ordering: str, numeric: bool = False
) -> dict[str, Any]:
    ascending = bool(key) and ordering == key
    descending = bool(key) and ordering == f"-{key}"
    return {
        "label": label,
        "key": key,
        "numeric": numeric,
        "aria": "ascending" if ascending else "descending" if descending else "",
        "next": f"-{key}" if ascending else key,
        "next_words": "sort descending" if ascending else "sort ascending",
        "request": context.get("request"),
    }


@register.inclusion_tag("web/partials/plot.html")
def plot(
    figure: dict[str, Any], element_id: str, label: str = "", caption: str = ""
) -> dict[str, Any]:
    title = figure.get("layout", {}).get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return {
        "figure": figure,
        "element_id": element_id,
        "data_id": f"{element_id}-data",
        "label": label or title or "A plot",
        "caption": caption,
        # a plot with Plotly's mode bar holds buttons: a group, not an image (axe: no controls
        # nested in an image)
        "interactive": bool(figure.get("config", {}).get("displayModeBar")),
    }
