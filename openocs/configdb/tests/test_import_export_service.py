"""services.configuration_export / configuration_import: round trip, idempotence, both formats,
refusals that name the path and write nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from openocs.configdb import documents, history, services
from openocs.configdb import models as m
from openocs.configdb.errors import ImportDocumentError

from .conftest import Network

pytestmark = pytest.mark.django_db

NETWORK_FILE = Path(__file__).resolve().parents[1] / "demo" / "lco-network.json"


@pytest.fixture(scope="module")
def lco() -> dict[str, Any]:
    return dict(json.loads(NETWORK_FILE.read_text(encoding="utf-8")))


def _wipe() -> None:
    m.Site.objects.all().delete()
    m.Instrument.objects.all().delete()
    for model in (m.GenericModeGroup, m.ConfigurationTypeProperties, m.InstrumentType,
                  m.GenericMode, m.Camera, m.OpticalElementGroup, m.OpticalElement, m.CameraType,
                  m.ConfigurationType, m.InstrumentCategory):  # fmt: skip
        model.objects.all().delete()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (
        m.Site, m.Enclosure, m.Telescope, m.Instrument, m.Camera, m.CameraType, m.OpticalElement,
        m.OpticalElementGroup, m.InstrumentType, m.GenericMode, m.GenericModeGroup,
        m.ConfigurationType, m.ConfigurationTypeProperties, m.InstrumentCategory)}  # fmt: skip


def test_lco_network_import_builds_the_whole_network(lco: dict[str, Any]) -> None:
    counts = services.configuration_import(document=lco)
    assert (counts["sites"], counts["telescopes"], counts["instruments"]) == (6, 26, 33)
    assert m.Site.objects.get(code="coj").tz == "Australia/Sydney"
    assert m.Site.objects.get(code="coj").timezone == 10
    telescope = m.Telescope.objects.get(enclosure__site__code="coj", code="0m4a")
    assert (telescope.ha_limit_neg, telescope.ha_limit_pos) == (-4.533333, 4.4666667)
    assert telescope.aperture == 0.4
    muscat = m.Instrument.objects.get(code="mc04")
    assert [c.code for c in muscat.science_cameras.order_by("id")] == [
        "ep06",
        "ep07",
        "ep08",
        "ep09",
    ]
    assert muscat.autoguider_camera.code == "ep07"
    assert muscat.autoguider_type == "SelfGuide"
    camera = m.Camera.objects.get(code="ep06")
    assert sorted(g.type for g in camera.optical_element_groups.all()) == [
        "narrowband_g_positions", "narrowband_i_positions", "narrowband_r_positions",
        "narrowband_z_positions"]  # fmt: skip
    assert m.OpticalElement.objects.filter(code="in").count() == 1
    sinistro = m.InstrumentType.objects.get(code="1M0-SCICAM-SINISTRO")
    readout = sinistro.mode_types.get(type="readout")
    assert readout.default is not None and readout.default.code == "full_frame"
    assert readout.modes.get(code="full_frame").overhead == 27.0
    assert sinistro.config_front_padding == 16.0
    assert m.Instrument.objects.get(code="fs01").state == "DISABLED"


def test_importing_twice_changes_nothing(lco: dict[str, Any]) -> None:
    version = history.current_state()[0]
    services.configuration_import(document=lco)
    assert history.current_state()[0] == version + 1  # one new version for the whole import
    before = (_counts(), services.configuration_export(), m.ChangeRecord.objects.count())
    state = history.current_state()
    counts = services.configuration_import(document=lco)
    assert counts["changes"] == 0
    after = (_counts(), services.configuration_export(), m.ChangeRecord.objects.count())
    assert after == before
    assert history.current_state() == state


def test_export_import_export_round_trip_is_identical(lco: dict[str, Any]) -> None:
    services.configuration_import(document=lco)
    first = services.configuration_export()
    _wipe()
    assert _counts()["Site"] == 0
    services.configuration_import(document=json.loads(json.dumps(first)))
    assert services.configuration_export() == first


def test_round_trip_keeps_what_the_lco_layout_cannot_say(network: Network) -> None:
    network.camera.host = "inst01.tst"
    network.camera.orientation = 12.5
    network.camera.save()
    network.site.restart = "19:30:00"
    network.site.save()
    first = services.configuration_export()
    _wipe()
    services.configuration_import(document=first)
    assert services.configuration_export() == first
    assert m.Camera.objects.get(code="xx01").host == "inst01.tst"
    assert str(m.Site.objects.get(code="tst").restart) == "19:30:00"


def test_import_updates_changed_values_in_place(network: Network) -> None:
    document = services.configuration_export()
    document["sites"][0]["enclosures"][0]["telescopes"][0]["horizon"] = 25.0
    counts = services.configuration_import(document=document)
    assert counts["changes"] == 1
    network.telescope.refresh_from_db()
    assert network.telescope.horizon == 25.0
    record = m.ChangeRecord.objects.filter(model="telescope").order_by("-id").first()
    assert record is not None and record.source == "import"
    assert record.changes == {"horizon": [15.0, 25.0]}


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["sites"][1]["enclosures"][0]["telescopes"][0].update(horizon_deg=95.0),
         "sites[1].enclosures[0].telescopes[0].horizon"),
        (lambda d: d["sites"][2]["enclosures"][0]["telescopes"][0].pop("lat"),
         "sites[2].enclosures[0].telescopes[0].lat"),
        (lambda d: d["sites"][0]["enclosures"][0]["telescopes"][0]["instruments"][0].update(
            instrument_type="NOPE"),
         "sites[0].enclosures[0].telescopes[0].instruments[0].instrument_type"),
        (lambda d: d["sites"][3].update(elevation_m="high"), "sites[3].elevation_m"),
        (lambda d: d["sites"][3].update(timezone="Mars/Olympus"), "sites[3].tz"),
        (lambda d: d["instrument_types"][0]["optical_element_groups"][0].update(default="nope"),
         "optical_element_groups[0].default"),
        (lambda d: d["instrument_types"][0].update(validation_schema={"test": "invalid"}),
         "instrument_types[0].validation_schema"),
    ],
)  # fmt: skip
def test_a_bad_document_is_refused_naming_the_path_and_nothing_is_written(
    lco: dict[str, Any], mutate: Any, path: str
) -> None:
    document = copy.deepcopy(lco)
    mutate(document)
    records = m.ChangeRecord.objects.count()
    state = history.current_state()
    with pytest.raises(ImportDocumentError) as raised:
        services.configuration_import(document=document)
    assert raised.value.path == path
    assert _counts()["Site"] == 0
    assert _counts()["CameraType"] == 0
    assert m.ChangeRecord.objects.count() == records
    assert history.current_state() == state


def test_an_unrecognised_document_is_refused(db: Any) -> None:
    with pytest.raises(ImportDocumentError, match="format"):
        services.configuration_import(document={"sites": []})
    with pytest.raises(ImportDocumentError, match="JSON object"):
        services.configuration_import(document=[1, 2])


def test_our_format_refuses_unknown_fields(network: Network) -> None:
    document = services.configuration_export()
    document["sites"][0]["colour"] = "red"
    with pytest.raises(ImportDocumentError) as raised:
        services.configuration_import(document=document)
    assert raised.value.path == "sites[0].colour"


def test_legacy_numeric_states_are_mapped(network: Network) -> None:
    document = services.configuration_export()
    document["sites"][0]["enclosures"][0]["telescopes"][0]["instruments"][0]["state"] = 25
    services.configuration_import(document=document)
    network.instrument.refresh_from_db()
    assert network.instrument.state == "STANDBY"


def test_a_file_that_is_not_json_is_refused(tmp_path: Path, db: Any) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(ImportDocumentError, match="not valid JSON"):
        services.configuration_import_file(path=bad)


def test_the_lco_conversion_is_a_valid_document(lco: dict[str, Any]) -> None:
    parsed = documents.parse(lco)
    assert len(parsed.cameras) == len({c.code for c in parsed.cameras})
    assert {ct.name for ct in parsed.camera_types} >= {"1.0 meter Sinistro"}
