"""The configuration database's page for staff: ``network/``, the whole network at a glance
(sites, enclosures, telescopes, instruments with their types, optical elements and modes, and
their states), each object linked to its admin page for editing.

Reads go through the same selectors as the ``sites/`` and ``instrumenttypes/`` documents, so the
page costs a constant number of queries however large the network is.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from openocs.configdb import history, selectors
from openocs.configdb import models as m
from openocs.web.responses import error_page
from openocs.web.signin import sign_in_first

# the order an operator reads instrument states in: what the scheduler may use first
STATE_ORDER = ["SCHEDULABLE", "COMMISSIONING", "STANDBY", "MANUAL", "DISABLED"]


def _optical_elements(instrument: m.Instrument) -> list[dict[str, Any]]:
    """The optical element groups of the instrument's science cameras, merged by type."""
    groups: dict[str, list[str]] = {}
    for camera in instrument.science_cameras.all():
        for group in camera.optical_element_groups.all():
            codes = groups.setdefault(group.type, [])
            codes.extend(e.code for e in group.optical_elements.all() if e.code not in codes)
    return [{"type": kind, "codes": codes} for kind, codes in groups.items()]


@require_safe
def network_page(request: HttpRequest) -> HttpResponse:
    """``GET network/`` (staff): the network, its states, and links into the admin."""
    if not request.user.is_authenticated:
        return sign_in_first(request)
    if not request.user.is_staff:
        return error_page(
            request, "404.html", {}, status=404
        )  # like the admin: others do not learn the page exists
    sites = list(selectors.site_queryset())
    states: Counter[str] = Counter()
    telescopes = active_telescopes = 0
    enclosures = 0
    rows: list[dict[str, Any]] = []
    for site in sites:
        site_enclosures = []
        for enclosure in site.enclosure_set.all():
            enclosures += 1
            site_telescopes = []
            for telescope in enclosure.telescope_set.all():
                telescopes += 1
                active_telescopes += telescope.active
                instruments = []
                for instrument in telescope.instrument_set.all():
                    states[instrument.state] += 1
                    instruments.append(
                        {"object": instrument, "optical_elements": _optical_elements(instrument)}
                    )
                site_telescopes.append({"object": telescope, "instruments": instruments})
            site_enclosures.append({"object": enclosure, "telescopes": site_telescopes})
        rows.append({"object": site, "enclosures": site_enclosures})
    instrument_types = []
    for instrument_type in selectors.instrument_type_queryset():
        modes: dict[str, list[str]] = {}
        for group in instrument_type.mode_types.all():
            modes.setdefault(group.type_id, []).extend(mode.code for mode in group.modes.all())
        instrument_types.append(
            {
                "object": instrument_type,
                "modes": sorted(modes.items()),
                "configuration_types": [
                    p.configuration_type_id
                    for p in instrument_type.configuration_type_properties.all()
                ],
            }
        )
    version, last_write = history.current_state()
    context = {
        "sites": rows,
        "instrument_types": instrument_types,
        "counts": {
            "sites": len(sites),
            "enclosures": enclosures,
            "telescopes": telescopes,
            "active_telescopes": active_telescopes,
            "instruments": sum(states.values()),
            "schedulable": states.get("SCHEDULABLE", 0),
        },
        "states": sorted(
            states.items(),
            key=lambda item: STATE_ORDER.index(item[0]) if item[0] in STATE_ORDER else 99,
        ),
        "version": version,
        "last_write": last_write,
    }
    return render(request, "configdb/network.html", context)
