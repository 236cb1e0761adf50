"""``POST frames/``, idempotency, update and delete (spec §5)."""

from __future__ import annotations

import io

from openocs.archive import files
from openocs.archive.models import Frame, Version
from openocs.archive.tests.conftest import record


def test_superuser_registers_a_frame(ingest_user, store_root):
    response = ingest_user.client.post("/archive/frames/", record("f1"), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["basename"] == "f1"
    assert body["filename"] == "f1.fits.fz"
    assert [v["md5"] for v in body["version_set"]] == [record("f1")["version_set"][0]["md5"]]
    assert "headers" not in body


def test_others_may_not_register(member, staff, anonymous, store_root):
    assert member.client.post("/archive/frames/", record("f1"), format="json").status_code == 403
    assert staff.client.post("/archive/frames/", record("f1"), format="json").status_code == 403
    assert anonymous.post("/archive/frames/", record("f1"), format="json").status_code == 401


def test_missing_basename_names_the_field(ingest_user, store_root):
    body = record("f1")
    del body["basename"]
    response = ingest_user.client.post("/archive/frames/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"basename": ["This field is required."]}


def test_missing_request_id_is_null_and_exposure_time_keeps_precision(ingest_user, store_root):
    body = record("f1", exposure_time=12.123456)
    del body["request_id"]
    response = ingest_user.client.post("/archive/frames/", body, format="json")
    assert response.status_code == 201
    assert response.json()["request_id"] is None
    assert response.json()["exposure_time"] == 12.123456


def test_repeated_md5_is_refused_with_the_compatible_message(ingest_user, store_root):
    ingest_user.client.post("/archive/frames/", record("f1"), format="json")
    again = ingest_user.client.post("/archive/frames/", record("f1"), format="json")
    assert again.status_code == 400
    assert again.json() == {"version_set": [{"md5": ["version with this md5 already exists."]}]}
    assert Frame.objects.filter(basename="f1").count() == 1


def test_same_basename_with_new_md5_adds_a_version(ingest_user, store_root):
    ingest_user.client.post("/archive/frames/", record("f1"), format="json")
    body = record("f1", target_name="new name")
    body["version_set"] = [{"key": "k2", "md5": "a" * 32, "extension": ".fits"}]
    response = ingest_user.client.post("/archive/frames/", body, format="json")
    assert response.status_code == 201
    assert response.json()["target_name"] == "new name"
    assert response.json()["version_set"][0]["md5"] == "a" * 32
    assert Version.objects.filter(frame__basename="f1").count() == 2


def test_bad_date_polygon_and_type_are_reported(ingest_user, store_root):
    body = record(
        "f1",
        observation_date="yesterday",
        area={"type": "Polygon", "coordinates": "x"},
        configuration_type="NOPE",
    )
    errors = ingest_user.client.post("/archive/frames/", body, format="json").json()
    assert errors["observation_date"][0].startswith("Datetime has wrong format.")
    assert errors["area"][0].startswith("Invalid polygon:")
    assert "configuration_type" in errors


def test_area_longitudes_come_back_in_0_360(ingest_user, anonymous, store_root):
    ring = [[-10, 0], [-10, 5], [10, 5], [10, 0], [-10, 0]]
    body = record("f1", area={"type": "Polygon", "coordinates": [ring]})
    frame = ingest_user.client.post("/archive/frames/", body, format="json").json()
    assert frame["area"]["coordinates"][0][0] == [350.0, 0.0]


def test_frames_without_area_have_no_area_key(ingest_user, anonymous, store_root):
    frame_id = ingest_user.client.post("/archive/frames/", record("f1"), format="json").json()["id"]
    assert "area" not in anonymous.get(f"/archive/frames/{frame_id}/").json()


def test_patch_changes_business_fields(ingest_user, store_root):
    frame_id = ingest_user.client.post("/archive/frames/", record("f1"), format="json").json()["id"]
    response = ingest_user.client.patch(
        f"/archive/frames/{frame_id}", {"target_name": "M42"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["target_name"] == "M42"


def test_delete_removes_the_frame_and_its_stored_files(ingest_user, member, store_root):
    stored = files.storage().put("lsc/fa12/20210708/processed/f1.fits.fz", io.BytesIO(b"data"))
    body = record("f1")
    body["version_set"] = [{"key": stored.key, "md5": stored.md5, "extension": ".fits.fz"}]
    frame_id = ingest_user.client.post("/archive/frames/", body, format="json").json()["id"]
    assert member.client.delete(f"/archive/frames/{frame_id}/").status_code == 403
    assert ingest_user.client.delete(f"/archive/frames/{frame_id}/").status_code == 204
    assert not Frame.objects.filter(pk=frame_id).exists()
    assert not files.storage().exists(stored.path, stored.key)


def test_versions_md5_filter_works(ingest_user, staff, member, store_root):
    ingest_user.client.post("/archive/frames/", record("f1"), format="json")
    md5 = record("f1")["version_set"][0]["md5"]
    assert staff.client.get("/archive/versions/", {"md5": "0" * 32}).json()["count"] == 0
    found = staff.client.get("/archive/versions/", {"md5": md5}).json()
    assert found["count"] == 1
    assert found["results"][0]["md5"] == md5
    assert member.client.get("/archive/versions/", {"md5": md5}).status_code == 403


def test_configdb_configuration_types_are_known_too(ingest_user, store_root, monkeypatch):
    from openocs.archive import conf

    body = record("f1", configuration_type="REPEAT_EXPOSE")
    assert ingest_user.client.post("/archive/frames/", body, format="json").status_code == 400
    monkeypatch.setattr(conf, "configdb_configuration_types", lambda: {"REPEAT_EXPOSE"})
    assert ingest_user.client.post("/archive/frames/", body, format="json").status_code == 201


def test_versions_exists_reports_what_is_archived(ingest_user, staff, member, store_root):
    frame_id = ingest_user.client.post("/archive/frames/", record("f1"), format="json").json()["id"]
    md5 = record("f1")["version_set"][0]["md5"]
    body = {"md5s": [md5, "0" * 32], "basenames": ["f1", "nope"]}
    answer = staff.client.post("/archive/versions/exists/", body, format="json").json()
    assert answer == {
        "md5s": {md5: frame_id, "0" * 32: None},
        "basenames": {"f1": frame_id, "nope": None},
    }
    assert member.client.post("/archive/versions/exists", body, format="json").status_code == 403


def test_a_registration_racing_another_for_the_same_file_is_refused_not_a_500(
    ingest_user, store_root, monkeypatch
):
    """Two ingesters register one file at the same moment: both pass the md5 checks before
    either commits, and the database's unique md5 stops the second. That is the same 400 as a
    repeated md5, and nothing of the second registration is kept."""
    from openocs.archive import services

    assert (
        ingest_user.client.post("/archive/frames/", record("f1"), format="json").status_code == 201
    )
    # The second registration's check ran before the first committed: it saw nothing.
    monkeypatch.setattr(services, "_stored_md5s", lambda md5s: [])
    same_file = record("f2")
    same_file["version_set"] = record("f1")["version_set"]
    again = ingest_user.client.post("/archive/frames/", same_file, format="json")
    assert again.status_code == 400
    assert again.json() == {"version_set": [{"md5": ["version with this md5 already exists."]}]}
    assert not Frame.objects.filter(basename="f2").exists()
    assert Version.objects.count() == 1
