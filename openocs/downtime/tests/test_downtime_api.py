"""``api/``: create, read, update, delete, permissions and validation (downtime-api.md §2, §7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from openocs.downtime.models import Downtime
from openocs.downtime.tests.factories import make_downtime, utc

pytestmark = pytest.mark.django_db

URL = "/downtime/api/"
COMBINATION = (
    "The site, enclosure, telescope, and instrument_type combination does not exist in Configdb"
)
CONFIGDB_DOWN = (
    "ConfigDB connection is currently down, please wait a few minutes and try again. "
    "If this problem persists then please contact support."
)


def body(**changes: Any) -> dict[str, Any]:
    payload = {
        "start": "2030-01-01T00:00:00Z",
        "end": "2030-01-01T02:00:00Z",
        "site": "coj",
        "enclosure": "doma",
        "telescope": "1m0a",
        "reason": "Maintenance",
    }
    payload.update(changes)
    return {key: value for key, value in payload.items() if value is not None}


def test_staff_creates_a_downtime_and_gets_the_record_with_empty_instrument_type(staff, configdb):
    response = staff.post(URL, body(), format="json")
    assert response.status_code == 201, response.content
    record = response.json()
    assert record == {
        "id": record["id"],
        "start": "2030-01-01T00:00:00Z",
        "end": "2030-01-01T02:00:00Z",
        "site": "coj",
        "enclosure": "doma",
        "telescope": "1m0a",
        "instrument_type": "",
        "reason": "Maintenance",
        "category": None,
    }
    stored = Downtime.objects.get()
    assert stored.created_by == staff.user


def test_creates_an_instrument_specific_downtime_with_a_category(staff, configdb):
    response = staff.post(
        URL,
        body(site="ogg", enclosure="clma", telescope="2m0a", instrument_type="2M0-FLOYDS-SCICAM",
             category="engineering"),
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["category"] == "engineering"
    assert response.json()["instrument_type"] == "2M0-FLOYDS-SCICAM"


def test_a_disabled_instrument_still_makes_its_type_valid_on_that_telescope(staff, configdb):
    # coj.clma.2m0a hosts fs01, a DISABLED 2M0-SCICAM-SPECTRAL (any state counts, §2.1).
    response = staff.post(
        URL,
        body(enclosure="clma", telescope="2m0a", instrument_type="2M0-SCICAM-SPECTRAL"),
        format="json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2030-01-01T02:00:00+02:00", "2030-01-01T02:00:00"),
        ("2030-01-01 00:00:00", "2030-01-01T02:00"),
        ("2030-01-01T00:00:00.999999Z", "2030-01-01T02:00:00.5+00:00"),
    ],
)
def test_accepts_every_input_datetime_form_and_answers_whole_seconds_in_utc(
    staff, configdb, start, end
):
    response = staff.post(URL, body(start=start, end=end), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["start"] == "2030-01-01T00:00:00Z"
    assert response.json()["end"] == "2030-01-01T02:00:00Z"


def test_anonymous_write_is_401(anonymous, configdb):
    response = anonymous.post(URL, body(), format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert not Downtime.objects.exists()


def test_invalid_token_is_401(anonymous, configdb):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = anonymous.post(URL, body(), format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_non_staff_write_is_403_by_default(astronomer, configdb):
    downtime = make_downtime()
    assert astronomer.post(URL, body(), format="json").status_code == 403
    assert astronomer.delete(f"{URL}{downtime.pk}/").status_code == 403
    assert (
        astronomer.patch(f"{URL}{downtime.pk}/", {"reason": "x"}, format="json").status_code == 403
    )
    assert Downtime.objects.count() == 1


@override_settings(DOWNTIME_WRITE_PERMISSION="authenticated")
def test_authenticated_write_permission_restores_the_reference_rule(astronomer, configdb):
    response = astronomer.post(URL, body(reason="12345"), format="json")
    assert response.status_code == 201
    assert astronomer.delete(f"{URL}{response.json()['id']}/").status_code == 204


def test_reads_are_anonymous(anonymous, configdb):
    downtime = make_downtime()
    listing = anonymous.get(URL)
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    detail = anonymous.get(f"{URL}{downtime.pk}")
    assert detail.status_code == 200
    assert detail.json()["start"] == "2030-01-01T00:00:00Z"


def test_delete_is_204_and_removes_the_downtime(staff, configdb):
    downtime = make_downtime()
    assert staff.delete(f"{URL}{downtime.pk}/").status_code == 204
    assert not Downtime.objects.exists()
    assert staff.get(f"{URL}{downtime.pk}/").status_code == 404


@pytest.mark.parametrize("field", ["site", "enclosure", "telescope", "instrument_type"])
def test_unknown_code_is_a_choice_error_on_its_field(staff, configdb, field):
    response = staff.post(URL, body(**{field: "nop"}), format="json")
    assert response.status_code == 400
    assert response.json() == {field: ['"nop" is not a valid choice.']}


def test_several_unknown_codes_are_each_reported(staff, configdb):
    response = staff.post(URL, body(site="nop", telescope="zzzz"), format="json")
    assert response.json() == {
        "site": ['"nop" is not a valid choice.'],
        "telescope": ['"zzzz" is not a valid choice.'],
    }


@pytest.mark.parametrize("end", ["2030-01-01T00:00:00Z", "2029-12-31T23:00:00Z"])
def test_end_not_after_start_is_refused(staff, configdb, end):
    response = staff.post(URL, body(end=end), format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["End time must be after start time"]}


@pytest.mark.parametrize(
    "changes",
    [
        {"site": "ogg"},  # ogg has no doma
        {"enclosure": "domb", "telescope": "0m4a"},  # known codes, wrong place
        {"instrument_type": "2M0-FLOYDS-SCICAM"},  # not on coj.doma.1m0a
    ],
)
def test_unknown_combination_is_refused_with_the_configdb_message(staff, configdb, changes):
    response = staff.post(URL, body(**changes), format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [COMBINATION]}
    assert not Downtime.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (body(start="yesterday"), "start"),
        (body(end=5), "end"),
        (body(site=None), "site"),
        (body(site="toolong"), "site"),
        (body(category="holiday"), "category"),
    ],
)
def test_malformed_fields_are_400_naming_the_field(staff, configdb, payload, field):
    response = staff.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_malformed_json_is_400(staff, configdb):
    response = staff.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_unknown_body_fields_are_ignored(staff, configdb):
    response = staff.post(URL, body(observation_id=5), format="json")
    assert response.status_code == 201
    assert "observation_id" not in response.json()


def test_patch_updates_with_the_same_validation(staff, configdb):
    downtime = make_downtime()
    url = f"{URL}{downtime.pk}/"
    ok = staff.patch(url, {"end": "2030-01-01T05:00:00Z", "reason": "Longer"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["end"] == "2030-01-01T05:00:00Z"
    refused = staff.patch(url, {"end": "2029-01-01T00:00:00Z"}, format="json")
    assert refused.json() == {"non_field_errors": ["End time must be after start time"]}
    wrong_type = staff.patch(url, {"instrument_type": "2M0-FLOYDS-SCICAM"}, format="json")
    assert wrong_type.json() == {"non_field_errors": [COMBINATION]}
    downtime.refresh_from_db()
    assert (downtime.end, downtime.reason, downtime.instrument_type) == (
        utc(2030, 1, 1, 5),
        "Longer",
        "",
    )


def test_put_replaces_the_record(staff, configdb):
    downtime = make_downtime()
    response = staff.put(
        f"{URL}{downtime.pk}", body(site="lsc", enclosure="aqwa", telescope="0m4a"), format="json"
    )
    assert response.status_code == 200, response.content
    downtime.refresh_from_db()
    assert downtime.telescope_key == "0m4a.aqwa.lsc"


def test_write_is_503_with_a_clear_message_when_configdb_is_unreachable(staff, configdb_down):
    response = staff.post(URL, body(), format="json")
    assert response.status_code == 503
    assert response.json() == {"detail": CONFIGDB_DOWN}
    assert not Downtime.objects.exists()


def test_reads_and_code_filters_still_work_while_configdb_is_unreachable(anonymous, configdb_down):
    make_downtime()
    make_downtime(site="lsc")
    response = anonymous.get(URL, {"site": "lsc"})
    assert response.status_code == 200
    assert [r["site"] for r in response.json()["results"]] == ["lsc"]


def test_delete_needs_no_configdb(staff, configdb_down):
    downtime = make_downtime()
    assert staff.delete(f"{URL}{downtime.pk}/").status_code == 204


def test_a_cached_document_is_used_while_configdb_is_down(staff, configdb):
    from openocs.web.clients import configdb_client

    configdb_client().network()  # warm the cache
    configdb.down = True
    configdb_client().invalidate()  # the next read tries configdb, fails, keeps the copy
    response = staff.post(URL, body(), format="json")
    assert response.status_code == 201
    assert configdb.requests == 2


def test_paths_answer_with_and_without_trailing_slash(anonymous, configdb):
    downtime = make_downtime()
    assert anonymous.get("/downtime/api").status_code == 200
    assert anonymous.get(f"/downtime/api/{downtime.pk}").status_code == 200


def test_list_is_paginated_by_1000_in_start_order(
    anonymous, configdb, django_assert_max_num_queries
):
    later = make_downtime(start=utc(2030, 2, 1), end=utc(2030, 2, 2))
    earlier = make_downtime()
    with django_assert_max_num_queries(8):
        page = anonymous.get(URL).json()
    assert page["count"] == 2
    assert [r["id"] for r in page["results"]] == [earlier.pk, later.pk]
    small = anonymous.get(URL, {"limit": 1}).json()
    assert small["next"].startswith("http://testserver/downtime/api/?limit=1&offset=1")


def test_a_new_telescope_is_accepted_before_the_refresh_period_ends(staff, configdb):
    import httpx

    from openocs.clients.configdb import ConfigDBClient
    from openocs.web.clients import install_client

    now = [0.0]
    client = ConfigDBClient(
        "http://configdb.test/", transport=httpx.MockTransport(configdb), clock=lambda: now[0]
    )
    install_client("configdb", client)
    client.network()  # cached now, fresh for 15 minutes
    now[0] += 61.0  # older than a minute: an unknown code triggers one revalidation
    site = configdb.document["results"][0]
    site["enclosure_set"][0]["telescope_set"][0]["code"] = "9m9z"
    configdb.etag = '"demo-2"'
    response = staff.post(
        URL,
        body(site=site["code"], enclosure=site["enclosure_set"][0]["code"], telescope="9m9z"),
        format="json",
    )
    assert response.status_code == 201, response.content
