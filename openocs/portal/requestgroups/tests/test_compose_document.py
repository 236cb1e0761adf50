"""The Compose form ⇄ the request-group document (no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from openocs.portal.requestgroups.compose.document import (
    apply_action,
    blank_group,
    clone_of,
    document_from_form,
    sexagesimal_to_deg,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_rebuilds_the_nested_document_with_wire_types() -> None:
    form = {
        "csrfmiddlewaretoken": "x",
        "g.name": "m31 monitoring",
        "g.ipp_value": "1.05",
        "g.requests.0.configurations.0.instrument_configs.0.exposure_count": "3",
        "g.requests.0.configurations.0.instrument_configs.0.exposure_time": "30",
        "g.requests.0.configurations.0.instrument_configs.0.optical_elements.filter": "V",
        "g.requests.0.configurations.1.target.ra": "10.68",
        "g.requests.0.configurations.0.guiding_config.optional": "false",
        "g.requests.0.windows.0.end": "2026-12-08T12:00",
    }
    document = document_from_form(form)
    assert "csrfmiddlewaretoken" not in document
    assert document["ipp_value"] == 1.05
    first = document["requests"][0]["configurations"][0]
    assert first["instrument_configs"][0] == {
        "exposure_count": 3,
        "exposure_time": 30.0,
        "optical_elements": {"filter": "V"},
    }
    assert first["guiding_config"] == {"optional": False}
    assert document["requests"][0]["configurations"][1]["target"] == {"ra": 10.68}
    assert document["requests"][0]["windows"] == [{"end": "2026-12-08T12:00:00Z"}]


def test_leaves_out_empty_fields_so_the_api_defaults_and_required_messages_apply() -> None:
    document = document_from_form(
        {
            "g.name": "",
            "g.requests.0.windows.0.end": " ",
            "g.requests.0.windows.1.end": "2027-01-01T00:00",
        }
    )
    assert "name" not in document
    assert document["requests"][0] == {
        "configurations": [],
        "windows": [{}, {"end": "2027-01-01T00:00:00Z"}],  # the empty window keeps its place
    }


def test_keeps_a_number_that_does_not_parse_as_typed_for_the_api_to_name() -> None:
    document = document_from_form({"g.requests.0.configurations.0.constraints.max_airmass": "two"})
    assert document["requests"][0]["configurations"][0]["constraints"]["max_airmass"] == "two"


@pytest.mark.parametrize(
    ("text", "hours", "degrees"),
    [
        ("03:19:41.08", True, 49.92116666),
        ("-19 24 40.9", False, -19.41136111),
        ("+41d16m08.6s", False, 41.26905555),
        ("12.5", False, None),
    ],
)
def test_reads_sexagesimal_angles(text: str, hours: bool, degrees: float | None) -> None:
    value = sexagesimal_to_deg(text, hours=hours)
    assert value == pytest.approx(degrees) if degrees is not None else value is None


def test_right_ascension_may_be_typed_in_hours_minutes_seconds() -> None:
    document = document_from_form(
        {
            "g.requests.0.configurations.0.target.ra": "03:19:41.08",
            "g.requests.0.configurations.0.target.dec": "-19:24:40.9",
        }
    )
    target = document["requests"][0]["configurations"][0]["target"]
    assert target["ra"] == pytest.approx(49.921167, abs=1e-6)
    assert target["dec"] == pytest.approx(-19.411361, abs=1e-6)


def test_adds_a_copy_of_the_last_item_and_removes_but_keeps_one() -> None:
    document = blank_group(now=NOW, proposal="P", instrument_type="1M0-SCICAM-SINISTRO")
    two = apply_action(document, "add:requests.0.configurations", now=NOW)
    assert len(two["requests"][0]["configurations"]) == 2
    assert len(document["requests"][0]["configurations"]) == 1  # the original is untouched
    one = apply_action(two, "remove:requests.0.configurations.0", now=NOW)
    assert len(one["requests"][0]["configurations"]) == 1
    still_one = apply_action(one, "remove:requests.0.configurations.0", now=NOW)
    assert len(still_one["requests"][0]["configurations"]) == 1
    assert apply_action(one, "remove:requests.5.windows.0", now=NOW) == one  # stale button


def test_a_window_can_be_removed_down_to_none_and_added_again() -> None:
    document = blank_group(now=NOW)
    none = apply_action(document, "remove:requests.0.windows.0", now=NOW)
    assert none["requests"][0]["windows"] == []
    again = apply_action(none, "add:requests.0.windows", now=NOW)
    assert again["requests"][0]["windows"][0]["end"] == "2026-12-08T13:00:00Z"


def test_a_clone_drops_ids_states_and_durations_and_marks_the_name() -> None:
    rendered = {
        "id": 7,
        "state": "PENDING",
        "name": "ngc1300",
        "proposal": "P",
        "submitter": "carol",
        "requests": [
            {
                "id": 9,
                "state": "PENDING",
                "duration": 600,
                "windows": [{"start": "2026-12-01T12:00:00Z", "end": "2026-12-08T12:00:00Z"}],
                "configurations": [
                    {"id": 3, "priority": 1, "type": "EXPOSE", "repeat_duration": None}
                ],
            }
        ],
    }
    clone = clone_of(rendered)
    assert clone["name"] == "ngc1300 (copy)"
    assert "id" not in clone and "state" not in clone and "submitter" not in clone
    request = clone["requests"][0]
    assert "id" not in request and "duration" not in request
    assert request["configurations"][0]["type"] == "EXPOSE"
    assert "priority" not in request["configurations"][0]
    assert "repeat_duration" not in request["configurations"][0]


def test_a_region_of_interest_can_be_added_to_exposures_that_had_none() -> None:
    document = blank_group(now=NOW)
    path = "requests.0.configurations.0.instrument_configs.0.rois"
    with_roi = apply_action(document, f"add:{path}", now=NOW)
    assert with_roi["requests"][0]["configurations"][0]["instrument_configs"][0]["rois"] == [{}]
    assert apply_action(document, "add:name", now=NOW) == document  # not a list: nothing


def test_extra_parameters_are_read_as_the_api_reads_them() -> None:
    prefix = "g.requests.0.configurations.0.instrument_configs.0.extra_params"
    document = document_from_form(
        {
            f"{prefix}.rotator_angle": "30",
            f"{prefix}.defocus": "-1.5",
            f"{prefix}.sub_expose": "true",
            f"{prefix}.exposure_mode": "ASYNCHRONOUS",
        }
    )
    extra = document["requests"][0]["configurations"][0]["instrument_configs"][0]["extra_params"]
    assert extra == {
        "rotator_angle": 30,
        "defocus": -1.5,
        "sub_expose": True,
        "exposure_mode": "ASYNCHRONOUS",
    }


def test_an_absurd_list_index_is_ignored_instead_of_building_a_huge_document() -> None:
    document = document_from_form(
        [
            ("g.requests.0.observation_note", "kept"),
            ("g.requests.999999999.observation_note", "x"),
            ("g.requests.first.observation_note", "y"),
            ("g.name", "n"),
        ]
    )
    assert document["requests"] == [
        {"observation_note": "kept", "configurations": [], "windows": []}
    ]


@pytest.mark.parametrize("moment", ["9999-12-31T23:00:00-05:00", "0001-01-01T01:00:00+05:00"])
def test_a_window_out_of_range_in_utc_is_left_for_the_api_to_name(moment: str) -> None:
    # Its conversion to UTC overflowed (a 500 on every live validation of the Compose page).
    from openocs.portal.requestgroups.compose.document import wire_value

    assert wire_value("start", moment) == moment
