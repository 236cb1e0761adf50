"""The timeline and the create, edit and delete pages: the API's validation and permissions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from openocs.downtime.models import Downtime, DowntimeCategory
from openocs.downtime.services import END_BEFORE_START_MESSAGE
from openocs.downtime.tests.factories import make_downtime, utc

pytestmark = pytest.mark.django_db

NOW = utc(2030, 1, 10, 12)
VALID = {
    "telescope": "coj.doma.1m0a",
    "instrument_type": "",
    "start": "2030-01-12T10:00",
    "end": "2030-01-12T14:00",
    "category": "maintenance",
    "reason": "Mirror recoating",
}


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def browser(*, staff: bool | None, csrf: bool = False) -> Client:
    """A browser signed in as staff (True), as a user (False) or anonymous (None)."""
    client = Client(enforce_csrf_checks=csrf)
    if staff is not None:
        name = "operator" if staff else "astronomer"
        client.force_login(get_user_model().objects.create_user(name, is_staff=staff))
    return client


def test_the_timeline_shows_the_past_week_and_the_next_month_by_default(configdb):
    make_downtime(reason="Inside", start=NOW - timedelta(days=2), end=NOW + timedelta(days=1))
    make_downtime(reason="Too old", start=NOW - timedelta(days=9), end=NOW - timedelta(days=8))
    make_downtime(reason="Too far", start=NOW + timedelta(days=31), end=NOW + timedelta(days=32))
    response = browser(staff=None).get("/downtime/timeline/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Inside" in page and "Too old" not in page and "Too far" not in page
    figure = response.context["figure"]
    assert "coj.doma.1m0a" in figure["layout"]["yaxis"]["categoryarray"]
    assert figure["layout"]["xaxis"]["range"] == ["2030-01-03T12:00:00", "2030-02-09T12:00:00"]
    assert "api/calendar.ics" in page  # the iCal link


def test_the_timeline_span_moves_and_refuses_nonsense(configdb):
    client = browser(staff=None)
    moved = client.get("/downtime/timeline/", {"start": "2030-03-01", "end": "2030-03-03"})
    assert moved.context["later"] == "start=2030-03-02T00:00:00&end=2030-03-04T00:00:00"
    bad = client.get("/downtime/timeline/", {"start": "2030-03-03", "end": "2030-03-01"})
    assert bad.status_code == 400
    assert "To: Must be after the start." in bad.content.decode()


def test_blocks_open_the_edit_page_only_for_those_who_may_edit(configdb):
    downtime = make_downtime(start=NOW, end=NOW + timedelta(hours=3))
    staff = browser(staff=True).get("/downtime/timeline/").context["figure"]
    other = browser(staff=False).get("/downtime/timeline/").context["figure"]
    assert staff["data"][0]["customdata"] == [f"/downtime/{downtime.pk}/edit"]
    assert other["data"][0]["customdata"] == [""]


def test_anonymous_is_sent_to_sign_in_and_others_refused_as_by_the_api(configdb):
    downtime = make_downtime()
    assert browser(staff=None).get("/downtime/new/").status_code == 302
    assert browser(staff=None).get("/downtime/new/")["Location"].startswith("/accounts/login/")
    user = browser(staff=False)
    assert user.get("/downtime/new/").status_code == 403
    assert user.post("/downtime/new/", VALID).status_code == 403
    assert user.post(f"/downtime/{downtime.pk}/delete/").status_code == 403
    assert Downtime.objects.count() == 1


@override_settings(DOWNTIME_WRITE_PERMISSION="authenticated")
def test_the_authenticated_write_setting_opens_the_pages_to_every_user(configdb):
    response = browser(staff=False).post("/downtime/new/", VALID)
    assert response.status_code == 302
    assert Downtime.objects.get().reason == "Mirror recoating"


def test_staff_create_a_downtime_through_the_api_rules(configdb):
    response = browser(staff=True).post("/downtime/new/", VALID)
    assert response.status_code == 302
    assert response["Location"].startswith("/downtime/timeline")
    saved = Downtime.objects.get()
    assert (saved.site, saved.enclosure, saved.telescope) == ("coj", "doma", "1m0a")
    assert saved.start == utc(2030, 1, 12, 10) and saved.end == utc(2030, 1, 12, 14)
    assert saved.category == DowntimeCategory.objects.get(code="maintenance")
    assert saved.created_by is not None and saved.created_by.username == "operator"


def test_a_downtime_outside_the_default_span_is_shown_around_it(configdb):
    far = {**VALID, "start": "2030-06-01T00:00", "end": "2030-06-02T00:00"}
    response = browser(staff=True).post("/downtime/new/", far)
    assert response["Location"] == (
        "/downtime/timeline?start=2030-05-31T00:00:00&end=2030-06-03T00:00:00"
    )


def test_end_before_start_is_shown_beside_the_end_and_nothing_is_saved(configdb):
    response = browser(staff=True).post("/downtime/new/", {**VALID, "end": "2030-01-12T09:00"})
    assert response.status_code == 400
    assert response.context["form"].errors["end"] == [END_BEFORE_START_MESSAGE]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Downtime.objects.exists()


def test_missing_fields_get_the_api_message_on_their_field(configdb):
    response = browser(staff=True).post("/downtime/new/", {**VALID, "start": "", "telescope": ""})
    errors = response.context["form"].errors
    assert errors["start"] == ["This field is required."]
    assert errors["telescope"] == ["This field is required."]


def test_an_instrument_type_the_telescope_lacks_is_refused_on_that_field(configdb):
    wrong = {**VALID, "instrument_type": "2M0-FLOYDS-SCICAM"}
    response = browser(staff=True).post("/downtime/new/", wrong)
    assert response.status_code == 400
    assert response.context["form"].errors["instrument_type"] == [
        "That telescope has no instrument of this type."
    ]
    assert not Downtime.objects.exists()


def test_unknown_codes_are_named(configdb):
    response = browser(staff=True).post("/downtime/new/", {**VALID, "telescope": "nop.doma.1m0a"})
    assert response.context["form"].errors["telescope"] == ['Site: "nop" is not a valid choice.']


def test_a_post_without_the_csrf_token_is_refused(configdb):
    response = browser(staff=True, csrf=True).post("/downtime/new/", VALID)
    assert response.status_code == 403
    assert not Downtime.objects.exists()


def test_staff_edit_a_downtime_with_the_same_validation(configdb):
    downtime = make_downtime(reason="Old reason")
    client = browser(staff=True)
    form = client.get(f"/downtime/{downtime.pk}/edit/")
    assert form.context["form"]["telescope"].value() == "coj.doma.1m0a"
    refused = client.post(f"/downtime/{downtime.pk}/edit/", {**VALID, "end": "2030-01-12T10:00"})
    assert refused.status_code == 400
    downtime.refresh_from_db()
    assert downtime.reason == "Old reason"
    saved = client.post(f"/downtime/{downtime.pk}/edit/", {**VALID, "reason": "New reason"})
    assert saved.status_code == 302
    downtime.refresh_from_db()
    assert downtime.reason == "New reason" and downtime.start == utc(2030, 1, 12, 10)


def test_staff_delete_a_downtime_after_confirming(configdb):
    downtime = make_downtime()
    client = browser(staff=True)
    assert "Delete downtime" in client.get(f"/downtime/{downtime.pk}/delete/").content.decode()
    assert Downtime.objects.exists()
    response = client.post(f"/downtime/{downtime.pk}/delete/")
    assert response.status_code == 302
    assert not Downtime.objects.exists()


def test_an_unreachable_configdb_is_explained_and_nothing_is_saved(configdb_down):
    response = browser(staff=True).post("/downtime/new/", VALID)
    assert response.status_code == 503
    assert "ConfigDB connection is currently down" in response.content.decode()
    assert not Downtime.objects.exists()


def test_a_downtime_that_does_not_exist_is_a_not_found_page(configdb):
    response = browser(staff=True).get("/downtime/999999/edit/")
    assert response.status_code == 404
    assert "Downtime 999999 does not exist" in response.content.decode()
