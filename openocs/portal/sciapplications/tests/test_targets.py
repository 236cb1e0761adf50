"""Target lists: ``name, RA, Dec`` lines in degrees or sexagesimal, checked and stored."""

from __future__ import annotations

import pytest

from openocs.portal.sciapplications import services
from openocs.portal.sciapplications.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_reads_degrees_and_sexagesimal_lines():
    targets = services.targets_from_text(
        "M31, 10.6847, 41.2687\n\nNGC 1275, 03:19:48.2, +41:30:42\n"
    )
    assert targets[0] == {"name": "M31", "ra": 10.6847, "dec": 41.2687}
    assert targets[1]["name"] == "NGC 1275"
    assert targets[1]["ra"] == pytest.approx(49.950833, abs=1e-5)
    assert targets[1]["dec"] == pytest.approx(41.511667, abs=1e-5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("M31 10.68 41.27", "Line 1: write the name, RA and Dec separated by commas."),
        ("M31, ten, 41", "Line 1: RA and Dec must be degrees or hh:mm:ss / ±dd:mm:ss."),
        ("M31, 10, 95", "Target 1 (M31): RA must be 0–360° and Dec −90–90°."),
        (", 10, 45", "Target 1: give it a name."),
    ],
)
def test_names_the_faulty_line(text, message):
    with pytest.raises(ApplicationError) as refused:
        services.targets_from_text(text)
    assert (refused.value.field, refused.value.message) == ("targets", message)


def test_a_draft_keeps_its_targets_and_round_trips_them_as_text(draft, applicant):
    targets = services.targets_from_text("M31, 10.6847, 41.2687")
    updated = services.application_update(
        application=draft, actor=applicant.user, fields={"targets": targets}
    )
    assert updated.targets == [{"name": "M31", "ra": 10.6847, "dec": 41.2687}]
    assert services.targets_as_text(updated.targets) == "M31, 10.6847, 41.2687"
