"""Public-date rules (spec §9.5, acceptance 18)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from openocs.ingester import IngesterSettings
from openocs.ingester.publicdate import public_date

OBSERVED = datetime(2016, 4, 1, tzinfo=UTC)
SETTINGS = IngesterSettings()


def date_for(
    proposal_id: str = "LCO2016A-001",
    obstype: str = "EXPOSE",
    basename: str = "x-e00",
    tags: list[str] | None = None,
) -> tuple[datetime, str]:
    def lookup(_proposal: str) -> list[str] | None:
        return tags

    return public_date(
        observation_date=OBSERVED,
        proposal_id=proposal_id,
        configuration_type=obstype,
        basename=basename,
        settings=SETTINGS,
        proposal_tags=lookup,
    )


def test_default_is_one_year_later():
    assert date_for(tags=None) == (OBSERVED + timedelta(days=365), "proprietary-period")


def test_calibrations_are_public_at_once():
    assert date_for(obstype="BIAS")[0] == OBSERVED


def test_epo_proposals_are_public_at_once():
    assert date_for(proposal_id="FTPEPO2017AB-002")[0] == OBSERVED


def test_engineering_is_private_for_999_years():
    value, _rule = date_for(proposal_id="LCOEngineering")
    assert value == datetime(3014, 8, 3, tzinfo=UTC)


def test_private_file_types_are_private():
    assert date_for(basename="x-t00")[0].year == 3014


def test_portal_private_tag_beats_the_public_list():
    value, rule = date_for(proposal_id="FTPEPO2017AB-002", tags=["private"])
    assert rule == "portal-private-tag"
    assert value.year == 3014


def test_portal_public_tag_makes_it_public():
    assert date_for(tags=["public"])[0] == OBSERVED


def test_portal_error_falls_back_to_the_lists():
    # A lookup answering None means the portal could not tell.
    assert date_for(proposal_id="calibrate", tags=None)[0] == OBSERVED
