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
    "proposal": "LCO2027A-012",
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
        "proposal_id": "LCO2027A-012",
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


# ---- configdb: (collection, noun, full body, a one-field change). Ids name objects of the
# demo network; POST creates, PUT replaces and PATCH changes the object of the URL.
_CONFIGDB: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "sites",
        "a site",
        {
            "code": "mcd",
            "name": "McDonald Observatory",
            "active": True,
            "timezone": -6,
            "tz": "America/Chicago",
            "restart": "17:00:00",
            "lat": 30.6797,
            "long": -104.0248,
            "elevation": 2070,
        },
        {"active": False},
    ),
    (
        "enclosures",
        "an enclosure of site 1",
        {"code": "aqwb", "name": "Aqawan B", "active": True, "site_id": 1},
        {"name": "Aqawan B (north)"},
    ),
    (
        "telescopes",
        "a 0.4 m telescope in enclosure 1",
        {
            "code": "0m4c",
            "name": "0.4 m C",
            "serial_number": "0m4-14",
            "active": True,
            "aperture": 0.4,
            "lat": 30.6797,
            "long": -104.0248,
            "slew_rate": 0.0,
            "minimum_slew_overhead": 2.0,
            "maximum_slew_overhead": 2.0,
            "instrument_change_overhead": 0.0,
            "enclosure_id": 1,
            "horizon": 15.0,
            "ha_limit_pos": 4.6,
            "ha_limit_neg": -4.6,
            "telescope_front_padding": 90.0,
            "zenith_blind_spot": 0.0,
        },
        {"active": False},
    ),
    (
        "cameratypes",
        "a camera type",
        {
            "code": "QHY600M",
            "name": "QHY600M",
            "size": "29.9x19.9 arcmin",
            "pscale": 0.73,
            "pixels_x": 9576,
            "pixels_y": 6388,
            "max_rois": 0,
        },
        {"pscale": 0.74},
    ),
    (
        "cameras",
        "a camera of camera type 1 with filter group 1",
        {
            "code": "sq99",
            "camera_type_id": 1,
            "orientation": 0.0,
            "optical_element_group_ids": [1],
            "host": "sq99.tfn.example.org",
        },
        {"host": "sq99-new.tfn.example.org"},
    ),
    (
        "opticalelements",
        "a filter",
        {"code": "Ha-narrow", "name": "H-alpha 3 nm", "schedulable": True},
        {"schedulable": False},
    ),
    (
        "opticalelementgroups",
        "a filter wheel holding optical element 1",
        {
            "name": "sq99-filters",
            "type": "filters",
            "optical_element_ids": [1],
            "element_change_overhead": 2.0,
        },
        {"element_change_overhead": 3.0},
    ),
    (
        "instrumentcategories",
        "an instrument category",
        {"code": "POLARIMETER"},
        {"code": "POLARIMETER"},
    ),
    (
        "configurationtypes",
        "a configuration type",
        {"code": "POLARIMETRY", "name": "Polarimetry sequence"},
        {"name": "Polarimetric sequence"},
    ),
    (
        "instrumenttypes",
        "an instrument type",
        {
            "code": "0M4-SCICAM-QHY600M",
            "name": "0.4 m QHY600M",
            "instrument_category": "IMAGE",
            "fixed_overhead_per_exposure": 1.0,
            "observation_front_padding": 90.0,
            "acquire_exposure_time": 0.0,
            "default_configuration_type": "EXPOSE",
            "default_acceptability_threshold": 90.0,
            "config_front_padding": 0.0,
            "allow_self_guiding": True,
        },
        {"fixed_overhead_per_exposure": 1.5},
    ),
    (
        "configurationtypeproperties",
        "the properties of a configuration type on instrument type 1",
        {
            "configuration_type": "EXPOSE",
            "instrument_type": 1,
            "config_change_overhead": 0.0,
            "schedulable": True,
            "force_acquisition_off": False,
            "requires_optical_elements": True,
            "validation_schema": {},
        },
        {"config_change_overhead": 2.0},
    ),
    (
        "genericmodes",
        "a readout mode",
        {
            "code": "central30x30",
            "name": "Central 30 x 30 arcmin",
            "overhead": 0.0,
            "schedulable": True,
            "validation_schema": {},
        },
        {"overhead": 1.0},
    ),
    (
        "genericmodegroups",
        "the readout modes of instrument type 1",
        {"instrument_type": 1, "type": "readout", "mode_ids": [1]},
        {"type": "readout"},
    ),
    (
        "instruments",
        "an instrument on telescope 1",
        {
            "code": "sq99",
            "state": "MANUAL",
            "telescope_id": 1,
            "autoguider_camera_id": 1,
            "science_cameras_ids": [1],
            "instrument_type_id": 1,
            "autoguider_type": "SelfGuide",
        },
        {"state": "SCHEDULABLE"},
    ),
]

for _collection, _noun, _body, _change in _CONFIGDB:
    _key = "code" if _collection in ("configurationtypes", "instrumentcategories") else "id"
    EXAMPLES[f"POST /configdb/{_collection}/"] = (f"Create {_noun} (staff)", _body)
    EXAMPLES[f"PUT /configdb/{_collection}/{{{_key}}}/"] = (f"Replace {_noun} (staff)", _body)
    EXAMPLES[f"PATCH /configdb/{_collection}/{{{_key}}}/"] = (f"Change {_noun} (staff)", _change)


_LOGIN = {"username": "carol", "password": "correct-horse-battery-staple"}
_WEBHOOK = {"url": "https://tom.example.org/hooks/openocs"}
_DRAFT = {
    "proposal": "LCO2027A-012",
    "title": "NGC 1300 monitoring, first try",
    "content": '{"name": "ngc1300-monitoring", "requests": []}',
}

EXAMPLES.update(
    {
        # ---- portal: accounts, proposals, drafts, notifications
        "POST /accounts/api-login/": ("Sign in with a password: answers the API token", _LOGIN),
        "POST /api/api-token-auth/": ("Exchange a password for the API token", _LOGIN),
        "POST /api/account_removal_request/": (
            "Ask staff to remove your account",
            {"reason": "I am leaving astronomy; please remove my account."},
        ),
        "PUT /api/profile/": (
            "Replace your name and e-mail",
            {"first_name": "Carol", "last_name": "Shoemaker", "email": "carol@uni.example"},
        ),
        "PATCH /api/profile/": ("Change your last name", {"last_name": "Shoemaker"}),
        "PATCH /api/notifications/preferences/": (
            "Get an e-mail on every request state change",
            {"every_request_state": True},
        ),
        "POST /api/drafts/": ("Save a draft request group", _DRAFT),
        "PUT /api/drafts/{id}/": ("Replace a draft", _DRAFT),
        "PATCH /api/drafts/{id}/": ("Rename a draft", {"title": "NGC 1300, second try"}),
        "POST /api/memberships/{id}/limit/": (
            "Limit a member's time on the proposal (PI)",
            {"time_limit_hours": 10},
        ),
        "POST /api/proposals/{id}/globallimit/": (
            "Limit every co-investigator's time (PI)",
            {"time_limit_hours": 2},
        ),
        "POST /api/proposals/{id}/invite/": (
            "Invite co-investigators by e-mail (PI)",
            {"emails": ["dana@uni.example", "erin@uni.example"]},
        ),
        "POST /api/proposals/{id}/notification/": (
            "Get an e-mail when the proposal's requests change state",
            {"enabled": True},
        ),
        "POST /api/users-bulk/": (
            "Create accounts in bulk (staff)",
            {"users": [{"username": "frank", "email": "frank@uni.example"}]},
        ),
        "POST /api/webhooks/": ("Be called on each of your requests' state changes", _WEBHOOK),
        "PUT /api/webhooks/{id}/": ("Replace a webhook", _WEBHOOK),
        "PATCH /api/webhooks/{id}/": (
            "Move a webhook",
            {"url": "https://tom.example.org/hooks/openocs-v2"},
        ),
        # ---- archive: accounts, versions, thumbnails, frame changes
        "POST /archive/api-token-auth/": ("Exchange a password for the archive token", _LOGIN),
        "POST /archive/revoke_token/": ("Revoke your archive token (no body needed)", {}),
        "POST /archive/versions/exists/": (
            "Which files and frames are archived already (staff)",
            {"md5s": [DEMO_FRAME_MD5], "basenames": [DEMO_FRAME]},
        ),
        "PATCH /archive/frames/{id}/": (
            "Make a frame public earlier (ingester)",
            {"public_date": "2027-01-01T00:00:00Z"},
        ),
    }
)


_APPLICATION: dict[str, Any] = {
    "title": "Kilonova follow-up in 2026B",
    "call": 1,
    "abstract": "We follow gravitational-wave counterparts in g, r and i for two weeks.",
    "tags": ["transients"],
    "timerequest_set": [{"semester": "2026B", "instrument_types": [SINISTRO], "std_time": 5}],
    "coinvestigator_set": [{"email": "dana@uni.example", "first_name": "Dana"}],
}

EXAMPLES.update(
    {
        # ---- portal: science applications (the call's id is the deployment's)
        "POST /api/scienceapplications/": ("Start an application to call 1", _APPLICATION),
        "PUT /api/scienceapplications/{id}/": ("Replace a draft application", _APPLICATION),
        "PATCH /api/scienceapplications/{id}/": (
            "Retitle a draft application",
            {"title": "Kilonova follow-up, revised"},
        ),
        "POST /api/scienceapplications/{id}/accept/": (
            "Accept a submitted application, ranked first (staff)",
            {"tac_rank": 1, "tac_priority": 10},
        ),
    }
)


def _thumbnail() -> dict[str, Any]:
    body = _frame()
    body.update(
        basename=f"{DEMO_FRAME}-large",
        frame_basename=DEMO_FRAME,
        size="large",
        version_set=[
            {
                "key": f"coj/kb05/20261201/thumbnails/{DEMO_FRAME}-large.jpg",
                "md5": "5d41402abc4b2a76b9719d911017c592",
                "extension": ".jpg",
            }
        ],
    )
    return body


EXAMPLES.update(
    {
        "POST /archive/thumbnails/": (
            "An ingester records a frame's large thumbnail",
            _thumbnail(),
        ),
        "PUT /archive/frames/{id}/": ("Replace a frame's record (ingester)", _frame()),
    }
)


_DIRECT_CONFIGURATION: dict[str, Any] = {
    **_CONFIGURATION,
    "instrument_name": "fl03",
    "guide_camera_name": "",
}

# A small network document for ``POST /configdb/import/``: one new site with a 1 m telescope
# carrying a new Sinistro camera (its camera type, filter wheel and instrument type are the demo
# network's; objects the document leaves out are kept).
_NETWORK_DOCUMENT: dict[str, Any] = {
    "format": "openocs-configdb",
    "format_version": 1,
    "cameras": [
        {
            "code": "fa99",
            "camera_type": "1.0 meter Sinistro",
            "optical_element_groups": [{"name": "1m0 Sinistro filters", "type": "filters"}],
        }
    ],
    "sites": [
        {
            "code": "mcd",
            "name": "McDonald Observatory",
            "lat": 30.6797,
            "long": -104.0248,
            "elevation": 2070,
            "timezone": -6,
            "tz": "America/Chicago",
            "restart": "17:00:00",
            "enclosures": [
                {
                    "code": "doma",
                    "name": "Dome A",
                    "telescopes": [
                        {
                            "code": "1m0a",
                            "name": "1 m A",
                            "aperture": 1.0,
                            "lat": 30.6797,
                            "long": -104.0248,
                            "horizon": 15.0,
                            "ha_limit_neg": -4.6,
                            "ha_limit_pos": 4.6,
                            "instruments": [
                                {
                                    "code": "fa99",
                                    "state": "MANUAL",
                                    "instrument_type": SINISTRO,
                                    "science_cameras": ["fa99"],
                                    "autoguider_camera": "fa99",
                                    "autoguider_type": "SelfGuide",
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    ],
}

EXAMPLES.update(
    {
        "POST /api/schedule/": (
            "Place a 10-minute observation on a telescope directly (direct-submission proposal)",
            {
                "proposal": "LCO2027A-012",
                "name": "ngc1300-direct",
                "site": "lsc",
                "enclosure": "domb",
                "telescope": "1m0a",
                "start": "2026-12-01T23:00:00Z",
                "end": "2026-12-01T23:10:00Z",
                "request": {"configurations": [_DIRECT_CONFIGURATION]},
            },
        ),
        "POST /archive/authprofile/addupdateuser/": (
            "The portal pushes an account and its API token (header Authorization: Server <key>)",
            {
                "username": "carol",
                "first_name": "Carol",
                "last_name": "Shoemaker",
                "email": "carol@uni.example",
                "is_staff": False,
                "is_superuser": False,
                "tokens": {"api_token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"},
            },
        ),
        "POST /configdb/import/": (
            "Add a site with a 1 m telescope and a Sinistro (staff; ?dry_run=true keeps nothing)",
            _NETWORK_DOCUMENT,
        ),
    }
)


def example_for(method: str, path: str, prefix: str) -> tuple[str, Any] | None:
    """The example of ``method path`` of a component mounted at ``prefix`` (``""`` or
    ``"configdb/"``); a root schema spells the archive's root aliases without their prefix."""
    key = f"{method.upper()} /{prefix}{path.lstrip('/')}"
    if key in EXAMPLES:
        return EXAMPLES[key]
    return EXAMPLES.get(f"{method.upper()} /archive/{path.lstrip('/')}") if not prefix else None
