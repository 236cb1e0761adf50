"""GET/POST sites/: the nested network document (spec configdb §5) and its filters."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db

SITE_FIELDS = {"id", "name", "code", "active", "timezone", "restart", "tz", "lat", "long",
               "elevation", "enclosure_set", "__str__"}  # fmt: skip
ENCLOSURE_FIELDS = {"id", "name", "code", "active", "site", "telescope_set", "__str__"}
TELESCOPE_FIELDS = {
    "id", "serial_number", "name", "code", "active", "aperture", "lat", "long", "slew_rate",
    "minimum_slew_overhead", "maximum_slew_overhead", "instrument_change_overhead", "enclosure",
    "horizon", "ha_limit_pos", "ha_limit_neg", "telescope_front_padding", "zenith_blind_spot",
    "instrument_set", "__str__",
}  # fmt: skip
INSTRUMENT_FIELDS = {"id", "code", "state", "telescope", "autoguider_camera", "science_cameras",
                     "instrument_type", "__str__"}  # fmt: skip
CAMERA_FIELDS = {"id", "code", "camera_type", "orientation", "optical_elements",
                 "optical_element_groups", "host"}  # fmt: skip
INSTRUMENT_TYPE_FIELDS = {
    "id", "name", "code", "fixed_overhead_per_exposure", "instrument_category",
    "observation_front_padding", "acquire_exposure_time", "default_configuration_type",
    "mode_types", "default_acceptability_threshold", "config_front_padding", "allow_self_guiding",
    "configuration_types", "validation_schema",
}  # fmt: skip


def _instrument(body: dict[str, Any]) -> dict[str, Any]:
    instrument: dict[str, Any] = body["results"][0]["enclosure_set"][0]["telescope_set"][0][
        "instrument_set"
    ][0]
    return instrument


def test_anonymous_reads_the_envelope_with_every_level_of_the_hierarchy(
    anonymous: APIClient, network: Network
) -> None:
    response = anonymous.get("/configdb/sites/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    site = body["results"][0]
    assert set(site) >= SITE_FIELDS
    assert site["__str__"] == "tst"
    assert site["restart"] == "00:00:00"
    assert site["tz"] == "America/Phoenix"
    enclosure = site["enclosure_set"][0]
    assert set(enclosure) >= ENCLOSURE_FIELDS
    assert enclosure["site"] == f"http://testserver/configdb/sites/{network.site.pk}/"
    assert enclosure["__str__"] == "tst.doma"
    telescope = enclosure["telescope_set"][0]
    assert set(telescope) >= TELESCOPE_FIELDS
    assert (
        telescope["enclosure"] == f"http://testserver/configdb/enclosures/{network.enclosure.pk}/"
    )
    assert telescope["__str__"] == "tst.doma.1m0a"
    assert telescope["maximum_slew_overhead"] == 0.0
    assert telescope["telescope_front_padding"] == 90.0
    instrument = telescope["instrument_set"][0]
    assert set(instrument) >= INSTRUMENT_FIELDS
    assert instrument["__str__"] == "tst.doma.1m0a.xx01"
    assert (
        instrument["telescope"] == f"http://testserver/configdb/telescopes/{network.telescope.pk}/"
    )


def test_cameras_carry_types_groups_and_the_legacy_optical_elements_object(
    anonymous: APIClient, network: Network
) -> None:
    instrument = _instrument(anonymous.get("/configdb/sites/").json())
    camera = instrument["science_cameras"][0]
    assert set(camera) >= CAMERA_FIELDS
    assert camera["camera_type"] == {
        "id": network.science_type.pk, "size": "26.5x26.5", "pscale": 0.389,
        "name": "1m0 Sinistro", "code": "1m0-SciCam-Sinistro", "pixels_x": 4096,
        "pixels_y": 4096, "max_rois": 1,
    }  # fmt: skip
    assert camera["optical_elements"] == {"filters": "rp,V"}
    group = camera["optical_element_groups"][0]
    assert group["default"] == "rp"
    assert group["element_change_overhead"] == 2.0
    assert [e["code"] for e in group["optical_elements"]] == ["rp", "V"]
    assert set(group["optical_elements"][0]) == {"id", "name", "code", "schedulable"}
    assert instrument["autoguider_camera"]["code"] == "ef01"
    assert instrument["autoguider_camera"]["optical_element_groups"] == []
    assert instrument["autoguider_camera"]["optical_elements"] == {}


def test_instrument_type_carries_modes_and_configuration_types(
    anonymous: APIClient, network: Network
) -> None:
    instrument_type = _instrument(anonymous.get("/configdb/sites").json())["instrument_type"]
    assert set(instrument_type) >= INSTRUMENT_TYPE_FIELDS
    assert instrument_type["instrument_category"] == "IMAGE"
    assert instrument_type["default_configuration_type"] == "EXPOSE"
    assert instrument_type["config_front_padding"] == 16.0
    readout, guiding = instrument_type["mode_types"]
    assert readout["type"] == "readout"
    assert readout["default"] == "full_frame"
    assert readout["modes"][0] == {
        "id": network.full_frame.pk, "name": "Full Frame", "overhead": 27.0,
        "code": "full_frame", "schedulable": True, "validation_schema": {},
    }  # fmt: skip
    assert guiding["default"] == ""  # a group without default: empty string, not null
    assert instrument_type["configuration_types"] == [
        {"name": "Expose", "code": "EXPOSE", "config_change_overhead": 0.0, "schedulable": True,
         "force_acquisition_off": False, "requires_optical_elements": True,
         "validation_schema": {}}
    ]  # fmt: skip


def test_sites_are_ordered_by_code_and_children_by_creation(
    anonymous: APIClient, network: Network
) -> None:
    m.Site.objects.create(code="aaa", elevation=0, timezone=0)
    second = m.Enclosure.objects.create(site=network.site, code="aaaa")
    body = anonymous.get("/configdb/sites/").json()
    assert [site["code"] for site in body["results"]] == ["aaa", "tst"]
    assert [e["code"] for e in body["results"][1]["enclosure_set"]] == ["doma", "aaaa"]
    assert body["results"][1]["enclosure_set"][1]["id"] == second.pk


def test_inactive_and_disabled_objects_are_included(anonymous: APIClient, network: Network) -> None:
    network.telescope.active = False
    network.telescope.save()
    network.instrument.state = "DISABLED"
    network.instrument.save()
    body = anonymous.get("/configdb/sites/").json()
    telescope = body["results"][0]["enclosure_set"][0]["telescope_set"][0]
    assert telescope["active"] is False
    assert telescope["instrument_set"][0]["state"] == "DISABLED"


def test_links_use_the_request_host_and_scheme(anonymous: APIClient, network: Network) -> None:
    response = anonymous.get("/configdb/sites/", HTTP_HOST="configdb.example.org", secure=True)
    enclosure = response.json()["results"][0]["enclosure_set"][0]
    assert enclosure["site"] == f"https://configdb.example.org/configdb/sites/{network.site.pk}/"


def test_document_is_built_in_a_constant_number_of_queries(
    anonymous: APIClient, network: Network, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        site = m.Site.objects.create(code=f"s{n:02d}", elevation=0, timezone=0)
        enclosure = m.Enclosure.objects.create(site=site, code="doma")
        for k in range(3):
            telescope = m.Telescope.objects.create(
                enclosure=enclosure, code=f"1m0{k}", lat=0, long=0, horizon=15,
                ha_limit_neg=-4, ha_limit_pos=4,
            )  # fmt: skip
            instrument = m.Instrument.objects.create(
                code=f"in{k}", telescope=telescope, instrument_type=network.instrument_type,
                autoguider_camera=network.guider,
            )  # fmt: skip
            instrument.science_cameras.set([network.camera])
    with django_assert_max_num_queries(16):
        response = anonymous.get("/configdb/sites/")
    assert response.json()["count"] == 6


def test_second_read_comes_from_the_cache_and_a_write_invalidates_it(
    anonymous: APIClient, staff: APIClient, network: Network, django_assert_max_num_queries: Any
) -> None:
    anonymous.get("/configdb/sites/")
    with django_assert_max_num_queries(1):
        assert anonymous.get("/configdb/sites/").status_code == 200
    response = staff.patch(f"/configdb/telescopes/{network.telescope.pk}/", {"horizon": 20.0})
    assert response.status_code == 200
    body = anonymous.get("/configdb/sites/").json()
    assert body["results"][0]["enclosure_set"][0]["telescope_set"][0]["horizon"] == 20.0


def test_filters_by_code_and_name(anonymous: APIClient, network: Network) -> None:
    assert anonymous.get("/configdb/sites/?code=zzz").json()["count"] == 0
    assert anonymous.get("/configdb/sites/?code=tst").json()["count"] == 1
    assert anonymous.get("/configdb/sites/?name=Test Site").json()["count"] == 1
    assert anonymous.get("/configdb/sites/?unknown=1").json()["count"] == 1


def test_detail_and_missing_site(anonymous: APIClient, network: Network) -> None:
    response = anonymous.get(f"/configdb/sites/{network.site.pk}")
    assert response.status_code == 200
    assert response.json()["code"] == "tst"
    assert anonymous.get("/configdb/sites/99/").status_code == 404


def test_staff_creates_a_site_with_restart_and_time_zone(staff: APIClient, db: Any) -> None:
    payload = {"code": "new", "name": "New", "lat": 10.0, "long": 20.0, "elevation": 100,
               "timezone": 2, "tz": "Africa/Johannesburg", "restart": "19:00:00"}  # fmt: skip
    response = staff.post("/configdb/sites/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["restart"] == "19:00:00"
    site = m.Site.objects.get(code="new")
    assert site.tz == "Africa/Johannesburg"
    assert str(site.restart) == "19:00:00"


@pytest.mark.parametrize(
    ("field", "value"),
    [("lat", 91), ("long", -181), ("elevation", 100001), ("timezone", 15), ("tz", "Mars/Olympus"),
     ("elevation", "high"), ("restart", "25:00")],
)  # fmt: skip
def test_refuses_out_of_range_values_naming_the_field(
    staff: APIClient, db: Any, field: str, value: object
) -> None:
    payload = {"code": "bad", "elevation": 0, "timezone": 0, field: value}
    response = staff.post("/configdb/sites/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not m.Site.objects.filter(code="bad").exists()


def test_duplicate_site_code_is_refused(staff: APIClient, network: Network) -> None:
    response = staff.post("/configdb/sites/", {"code": "tst", "elevation": 0, "timezone": 0})
    assert response.status_code == 400
    assert response.json() == {"code": ["site with this code already exists."]}


def test_malformed_json_is_refused(staff: APIClient, db: Any) -> None:
    response = staff.post("/configdb/sites/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("components", "path"), [(["configdb"], "/"), (["portal", "configdb"], "/configdb/")]
)
def test_links_follow_the_mount_point(settings: Any, components: list[str], path: str) -> None:
    from openocs.configdb import conf

    settings.OCS_COMPONENTS = components
    assert conf.mount_path() == path
