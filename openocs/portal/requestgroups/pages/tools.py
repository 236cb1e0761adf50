"""``/tools/``: where and when telescope time is scarce, before choosing windows: hours requested
against hours available over the coming nights per site and telescope class
(:mod:`~openocs.portal.requestgroups.night_pressure`), the network's pressure over the next day
and the contention by right ascension for an instrument, drawn from the functions behind
``/api/pressure/`` and ``/api/contention/<instrument>/``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openocs.clients.errors import ClientError
from openocs.portal.requestgroups.configuration import load_portal_configuration
from openocs.portal.requestgroups.information import contention, pressure
from openocs.portal.requestgroups.night_pressure import (
    DEFAULT_NIGHTS,
    MAX_NIGHTS,
    pressure_by_night,
)
from openocs.portal.requestgroups.tools_plots import (
    contention_figure,
    nights_figure,
    pressure_figure,
)
from openocs.web.exceptions import ServiceUnavailable


class ToolsForm(forms.Form):
    instrument = forms.ChoiceField(label="Instrument", required=False)
    site = forms.ChoiceField(label="Site", required=False)
    nights = forms.IntegerField(
        label="Nights ahead",
        required=False,
        min_value=1,
        max_value=MAX_NIGHTS,
        widget=forms.NumberInput(attrs={"placeholder": str(DEFAULT_NIGHTS)}),
    )


def tools(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"error": ""}
    try:
        configuration = load_portal_configuration()
    except (ServiceUnavailable, ClientError):
        context["error"] = "The configuration database does not answer now; try again later."
        return render(request, "requestgroups/pages/tools.html", context, status=503)
    instruments = sorted(configuration.digest(staff=False))
    sites = sorted({t.site for t in configuration.telescopes})
    form = ToolsForm(request.GET or None)
    form.fields["instrument"].choices = [("", "Every instrument")] + [  # type: ignore[attr-defined]
        (code, code) for code in instruments
    ]
    form.fields["site"].choices = [("", "Every site")] + [(s, s) for s in sites]  # type: ignore[attr-defined]
    chosen = form.cleaned_data if form.is_valid() else {}
    instrument = chosen.get("instrument") or None
    site = chosen.get("site") or None
    staff = bool(request.user.is_staff)
    context["form"] = form
    nights = chosen.get("nights") or DEFAULT_NIGHTS
    by_night = pressure_by_night(
        nights=nights, instrument_type=instrument, site=site, user=request.user
    )
    context["nights"] = by_night
    context["nights_count"] = len(by_night["nights"])
    available = by_night["totals"].get("available_h", 0.0)
    context["nights_share"] = (
        100.0 * by_night["totals"].get("requested_h", 0.0) / available if available else None
    )
    context["nights_rows"] = [
        (f"{kind} {name}", list(zip(series["requested_h"], series["available_h"], strict=True)))
        for kind, group in (("Site", "sites"), ("Class", "telescope_classes"))
        for name, series in by_night[group].items()
    ]
    context["nights_sites"] = nights_figure(by_night, "sites", "Site")
    context["nights_classes"] = nights_figure(by_night, "telescope_classes", "Class")
    context["pressure"] = pressure_figure(
        pressure(
            instrument_type=instrument,
            site=site,
            staff=staff,
            user=request.user,
            ignore_downtime=by_night["downtime_ignored"],
        )
    )
    contention_instrument = instrument or (instruments[0] if instruments else None)
    context["contention_instrument"] = contention_instrument
    context["contention"] = (
        contention_figure(contention(instrument_type=contention_instrument, staff=staff))
        if contention_instrument
        else None
    )
    return render(request, "requestgroups/pages/tools.html", context)
