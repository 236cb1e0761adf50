import pytest

from openocs.env import (
    SettingError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
    local_base_url,
)


def test_unset_or_empty_variables_give_the_default() -> None:
    assert env_str("X", "dflt", {}) == "dflt"
    assert env_str("X", "dflt", {"X": ""}) == "dflt"
    assert env_int("X", 7, {}) == 7
    assert env_float("X", 1.5, {}) == 1.5
    assert env_bool("X", True, {}) is True
    assert env_list("X", ["a"], {"X": "  "}) == ["a"]


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on"])
def test_boolean_spellings_for_true(raw: str) -> None:
    assert env_bool("FLAG", False, {"FLAG": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "OFF"])
def test_boolean_spellings_for_false(raw: str) -> None:
    assert env_bool("FLAG", True, {"FLAG": raw}) is False


def test_refuses_a_boolean_it_cannot_read_and_names_the_variable() -> None:
    with pytest.raises(SettingError, match="DEBUG='maybe'"):
        env_bool("DEBUG", False, {"DEBUG": "maybe"})


def test_refuses_non_numbers_and_values_below_the_minimum() -> None:
    with pytest.raises(SettingError, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 587, {"EMAIL_PORT": "smtp"})
    with pytest.raises(SettingError, match=">= 1"):
        env_int("EMAIL_PORT", 587, {"EMAIL_PORT": "0"}, minimum=1)
    with pytest.raises(SettingError, match="a number"):
        env_float("STALENESS", 1.0, {"STALENESS": "1h"})
    with pytest.raises(SettingError, match=">= 0"):
        env_float("STALENESS", 1.0, {"STALENESS": "-5"}, minimum=0.0)


def test_lists_are_comma_separated_and_stripped() -> None:
    assert env_list("C", [], {"C": "portal, configdb,,downtime "}) == [
        "portal",
        "configdb",
        "downtime",
    ]


def test_choice_accepts_only_listed_values() -> None:
    assert env_choice("MODE", "a", ["a", "b"], {"MODE": "b"}) == "b"
    with pytest.raises(SettingError, match="one of a, b"):
        env_choice("MODE", "a", ["a", "b"], {"MODE": "c"})


def test_the_local_base_url_follows_ocs_host_and_port() -> None:
    assert local_base_url({}) == "http://127.0.0.1:8000"
    assert local_base_url({"OCS_PORT": "8080"}) == "http://127.0.0.1:8080"
    wildcard = {"OCS_HOST": "0.0.0.0", "OCS_PORT": "9000"}  # noqa: S104
    assert local_base_url(wildcard) == "http://127.0.0.1:9000"
    assert local_base_url({"OCS_HOST": "obs.local"}) == "http://obs.local:8000"
