"""A request-body example for the write routes of every component's API (issue 18).

:data:`EXAMPLES` maps ``"METHOD /path/"`` — the co-hosted path, with the path parameters as the
schema spells them (``{id}``, ``{code}``) — to a summary and a body. The schema hook
:func:`openocs.server.schema_hooks.attach_request_examples` copies each into its operation's
request body, so the generated reference (``make docs``), ReDoc and Swagger show it.
``openocs/server/tests/test_request_examples.py`` posts every example to its route in a test
database and fails when one answers 400 or a write route has none.

Ids that name an existing object (a request, a configuration) are those of a small deployment;
the test replaces them with its own fixture's ids and says so.
"""

from __future__ import annotations

import copy
from typing import Any

SINISTRO = "1M0-SCICAM-SINISTRO"

_CONFIGURATION: dict[str, Any] = {
    "type": "EXPOSE",
    "instrument_type": SINISTRO,
    "target": {
        "name": "NGC 1300",
        "type": "ICRS",
        "ra": 49.921,
        "dec": -19.411,
        "epoch": 2000,
    },
    "constraints": {"max_airmass": 2.0, "min_lunar_distance": 30},
    "instrument_configs": [
        {"exposure_time": 30, "exposure_count": 2, "optical_elements": {"filter": "v"}}
    ],
    "acquisition_config": {},
    "guiding_config": {},
}

_REQUEST: dict[str, Any] = {
    "configurations": [_CONFIGURATION],
    "windows": [{"start": "2026-12-01T12:00:00Z", "end": "2026-12-08T12:00:00Z"}],
    "location": {"telescope_class": "1m0"},
}

_GROUP: dict[str, Any] = {
    "name": "ngc1300-monitoring",
    "proposal": "LCO2026B-001",
    "ipp_value": 1.05,
    "operator": "SINGLE",
    "observation_type": "NORMAL",
    "requests": [_REQUEST],
}


def _cadence_group() -> dict[str, Any]:
    group = copy.deepcopy(_GROUP)
    request = group["requests"][0]
    request["windows"] = []
    request["cadence"] = {
        "start": "2026-12-01T12:00:00Z",
        "end": "2026-12-04T12:00:00Z",
        "period": 24,
        "jitter": 12,
    }
    return group


DEMO_FRAME = "coj1m011-kb05-20150219-0125-e90"
DEMO_FRAME_KEY = f"coj/kb05/20261201/processed/{DEMO_FRAME}.fits.fz"
DEMO_FRAME_MD5 = "cff1cc4a16b8f46713e61944f42028c9"  # data/demo-fits/<DEMO_FRAME>.fits.fz


def _frame() -> dict[str, Any]:
    return {
        "basename": DEMO_FRAME,
        "observation_date": "2026-12-01T23:10:00Z",
        "observation_day": "20261201",
        "proposal_id": "LCO2026B-001",
        "instrument_id": "kb05",
        "target_name": "M31",
        "reduction_level": 90,
        "site_id": "coj",
        "telescope_id": "1m0a",
        "exposure_time": 30.0,
        "primary_optical_element": "rp",
        "public_date": "2027-12-01T23:10:00Z",
        "configuration_type": "EXPOSE",
        "observation_id": 1,
        "request_id": 2,
        "area": None,
        "version_set": [{"key": DEMO_FRAME_KEY, "md5": DEMO_FRAME_MD5, "extension": ".fits.fz"}],
        "headers": {"USERID": "carol", "OBJECT": "M31"},
        "related_frame_filenames": [],
    }


_DOWNTIME: dict[str, Any] = {
    "start": "2026-12-10T00:00:00Z",
    "end": "2026-12-10T06:00:00Z",
    "site": "lsc",
    "enclosure": "domb",
    "telescope": "1m0a",
    "reason": "Mirror re-aluminising",
}

# "METHOD /path/" -> (summary, body)
EXAMPLES: dict[str, tuple[str, Any]] = {
    # ---- portal: request groups and their expansions
    "POST /api/requestgroups/": ("One imaging request on a 1 m telescope", _GROUP),
    "POST /api/requestgroups/validate/": ("Check a group without submitting it", _GROUP),
    "POST /api/requestgroups/max_allowable_ipp/": ("The largest IPP this group may ask", _GROUP),
    "POST /api/requestgroups/cadence/": (
        "A nightly cadence, expanded into one request per night",
        _cadence_group(),
    ),
    "POST /api/configurations/dither/": (
        "Three exposures on a line, 5 arcsec apart",
        {"configuration": _CONFIGURATION, "pattern": "line", "num_points": 3, "point_spacing": 5},
    ),
    "POST /api/requests/mosaic/": (
        "A 2 x 2 grid of pointings, 1 degree apart",
        {
            "request": _REQUEST,
            "pattern": "grid",
            "num_rows": 2,
            "num_columns": 2,
            "point_spacing": 3600,
        },
    ),
    "POST /api/airmass/": ("The airmass of a request's target through its windows", _REQUEST),
    "PATCH /api/requests/{id}/": (
        "Keep a request out of the schedule until a date (staff)",
        {"suspend_until": "2026-12-05T00:00:00Z"},
    ),
    # ---- portal: observations and what the sites report
    "POST /api/observations/": (
        "The scheduler places one observation of request 2 (staff)",
        [
            {
                "request": 2,
                "site": "lsc",
                "enclosure": "domb",
                "telescope": "1m0a",
                "start": "2026-12-01T23:00:00Z",
                "end": "2026-12-01T23:10:00Z",
                "priority": 10,
                "configuration_statuses": [
                    {"configuration": 3, "instrument_name": "fa15", "guide_camera_name": "ak06"}
                ],
            }
        ],
    ),
    "POST /api/observations/cancel/": (
        "Cancel the normal observations of one telescope over a night (staff)",
        {
            "start": "2026-12-01T18:00:00Z",
            "end": "2026-12-02T06:00:00Z",
            "site": "lsc",
            "enclosure": "domb",
            "telescope": "1m0a",
        },
    ),
    "PATCH /api/observations/{id}/": (
        "End a direct observation earlier",
        {"end": "2026-12-01T23:05:00Z"},
    ),
    "PATCH /api/configurationstatus/{id}/": (
        "A site's final report of one configuration",
        {
            "state": "COMPLETED",
            "summary": {
                "start": "2026-12-01T23:00:00Z",
                "end": "2026-12-01T23:01:10Z",
                "state": "COMPLETED",
                "reason": "",
                "time_completed": 70.0,
                "events": {},
            },
        },
    ),
    "POST /api/telescope_states/": (
        "A site agent reports that the dome may not open",
        {
            "telescope": "lsc.doma.1m0a",
            "event_type": "NOT_OK_TO_OPEN",
            "event_reason": "Weather: High humidity",
            "start": "2026-12-01T23:00:00Z",
            "end": "2026-12-02T01:00:00Z",
        },
    ),
    "POST /api/scheduler/runs/": (
        "A scheduler run that left one request out",
        {
            "started": "2026-12-01T12:00:00Z",
            "ended": "2026-12-01T12:00:30Z",
            "kernel": "cpsat",
            "requests_considered": 1,
            "requests_left_out": 1,
            "left_out": [{"request": 2, "reason": "NOT_VISIBLE"}],
        },
    ),
    # ---- downtime
    "POST /downtime/api/": ("A telescope down for maintenance", _DOWNTIME),
    "PUT /downtime/api/{id}/": ("Replace a downtime", _DOWNTIME),
    "PATCH /downtime/api/{id}/": ("Change a downtime's reason", {"reason": "Dome shutter repair"}),
    # ---- archive
    "POST /archive/frames/": ("An ingester records a processed frame", _frame()),
    "POST /archive/frames/zip/": ("A zip of two frames", {"frame_ids": [1, 2]}),
}


def example_for(method: str, path: str, prefix: str) -> tuple[str, Any] | None:
    """The example of ``method path`` of a component mounted at ``prefix`` (``""`` or
    ``"configdb/"``); a root schema spells the archive's root aliases without their prefix."""
    key = f"{method.upper()} /{prefix}{path.lstrip('/')}"
    if key in EXAMPLES:
        return EXAMPLES[key]
    return EXAMPLES.get(f"{method.upper()} /archive/{path.lstrip('/')}") if not prefix else None
