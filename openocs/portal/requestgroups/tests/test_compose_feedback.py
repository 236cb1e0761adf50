"""Errors placed by path in plain words; durations formatted (no database)."""

from __future__ import annotations

from openocs.portal.requestgroups.compose.feedback import (
    describe_path,
    flatten_errors,
    format_duration,
    plain,
)


def test_flattens_the_compatible_error_tree_to_paths() -> None:
    tree = {
        "name": ["Please provide a name."],
        "non_field_errors": ["Something about the group"],
        "requests": [
            {},
            {
                "windows": ["You must specify at least 1 window"],
                "configurations": [{"target": {"ra": ["A valid number is required."]}}],
            },
        ],
    }
    assert flatten_errors(tree) == {
        "name": ["Please provide a name."],
        "": ["Something about the group"],
        "requests.1.windows": ["You must specify at least 1 window"],
        "requests.1.configurations.0.target.ra": [
            "Please enter a number (for example 30 or 12.5)."
        ],
    }


def test_a_bare_string_error_belongs_to_the_whole_group() -> None:
    assert flatten_errors("The proposal is not active") == {"": ["The proposal is not active"]}


def test_terse_messages_become_plain_words() -> None:
    assert plain("This field is required.") == "Please fill this in."
    assert plain('Invalid pk "X" - object does not exist.') == "Choose one of your proposals."
    assert plain("Window end time must be in the future") == "Window end time must be in the future"


def test_describes_a_path_as_a_person_would() -> None:
    assert describe_path("requests.0.configurations.1.instrument_configs.0.exposure_time") == (
        "Request 1 › Configuration 2 › Exposure 1 › exposure time"
    )
    assert describe_path("") == "Request group"


def test_formats_durations() -> None:
    assert format_duration(42) == "42 s"
    assert format_duration(95) == "1 min 35 s"
    assert format_duration(3725) == "1 h 02 min 05 s"
