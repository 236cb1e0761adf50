"""The weather and fault model is a pure function of its seed and inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from openocs.simulator.weather import FAULT_REASONS, WeatherModel

NIGHTS = [f"202612{day:02d}" for day in range(1, 31)] + [f"202701{d:02d}" for d in range(1, 31)]


def test_the_same_seed_gives_the_same_weather_and_another_seed_other_weather() -> None:
    one = WeatherModel(seed=7, cloudy_night_probability=0.5)
    again = WeatherModel(seed=7, cloudy_night_probability=0.5)
    other = WeatherModel(seed=8, cloudy_night_probability=0.5)

    sky = [one.is_cloudy("coj", night) for night in NIGHTS]
    assert sky == [again.is_cloudy("coj", night) for night in NIGHTS]
    assert sky != [other.is_cloudy("coj", night) for night in NIGHTS]
    assert 10 < sum(sky) < 50  # about half of 60 nights


def test_probabilities_zero_and_one_are_never_and_always() -> None:
    clear = WeatherModel(seed=1)
    stormy = WeatherModel(
        seed=1, cloudy_night_probability=1.0, failure_probability=1.0, unavailable_probability=1.0
    )
    moment = datetime(2026, 12, 7, 14, tzinfo=UTC)

    assert not any(clear.is_cloudy("lsc", night) for night in NIGHTS)
    assert all(stormy.is_cloudy("lsc", night) for night in NIGHTS)
    assert not clear.is_unavailable("lsc.doma.1m0a", moment)
    assert stormy.is_unavailable("lsc.doma.1m0a", moment)
    assert clear.configuration_fault(12, 3) is None
    fault = stormy.configuration_fault(12, 3)
    assert fault is not None
    assert 0 <= fault[0] < 3
    assert fault[1] in FAULT_REASONS


def test_a_site_may_have_its_own_cloudiness() -> None:
    model = WeatherModel(seed=3, cloudy_night_probability=0.0, cloudy_sites={"tfn": 1.0})

    assert all(model.is_cloudy("tfn", night) for night in NIGHTS)
    assert not any(model.is_cloudy("coj", night) for night in NIGHTS)


def test_a_fault_lasts_the_hour() -> None:
    model = WeatherModel(seed=5, unavailable_probability=0.5)
    hour = datetime(2026, 12, 7, 14, tzinfo=UTC)
    states = [model.is_unavailable("coj.doma.1m0a", hour + timedelta(minutes=m)) for m in range(60)]
    assert len(set(states)) == 1


def test_injected_failures_come_first_then_the_probability_rules() -> None:
    model = WeatherModel(seed=0, inject_failures=2)

    assert model.configuration_fault(1, 2) == (0, "Simulated fault: injected failure")
    assert model.configuration_fault(2, 2) == (0, "Simulated fault: injected failure")
    assert model.configuration_fault(3, 2) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"cloudy_night_probability": 1.5},
        {"failure_probability": -0.1},
        {"unavailable_probability": 2.0},
        {"cloudy_sites": {"coj": 3.0}},
        {"inject_failures": -1},
    ],
)
def test_out_of_range_settings_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        WeatherModel(**changes)  # type: ignore[arg-type]


def test_a_cloudy_spell_closes_a_site_for_part_of_a_night_only() -> None:
    spells = WeatherModel(seed=3, partly_cloudy_probability=1.0)
    clear = WeatherModel(seed=3)
    longitude = -70.8  # lsc: local mean noon at about 16:43 UTC
    spell = spells.cloudy_spell("lsc", "20261207")
    assert spell is not None and clear.cloudy_spell("lsc", "20261207") is None
    start_h, end_h = spell
    assert 6.0 <= start_h < 16.0 and 1.0 <= end_h - start_h < 4.0
    noon = datetime(2026, 12, 7, 12, tzinfo=UTC) - timedelta(hours=longitude / 15.0)
    inside = noon + timedelta(hours=(start_h + end_h) / 2)
    before = noon + timedelta(hours=start_h - 0.5)
    after = noon + timedelta(hours=end_h + 0.5)
    assert spells.sky("lsc", inside, longitude) == "cloudy spell"
    assert spells.sky("lsc", before, longitude) == "clear"
    assert spells.sky("lsc", after, longitude) == "clear"
    assert clear.sky("lsc", inside, longitude) == "clear"
    assert WeatherModel(cloudy_night_probability=1.0).sky("lsc", inside, longitude) == (
        "cloudy night"
    )
    about_half = WeatherModel(seed=3, partly_cloudy_probability=0.5)
    assert 10 < sum(about_half.cloudy_spell("lsc", n) is not None for n in NIGHTS) < 50
    with pytest.raises(ValueError, match="partly_cloudy_probability"):
        WeatherModel(partly_cloudy_probability=1.5)
