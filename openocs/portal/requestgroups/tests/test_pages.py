"""The request pages: list with filters and counts, details, cancelling with confirmation, and
nothing of another proposal (a 404 page, as for an id that does not exist)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openocs.portal.conftest import PERSONA_PASSWORD, Persona, PersonaFactory
from openocs.portal.requestgroups.models import Request, RequestGroup
from openocs.portal.requestgroups.tests.conftest import submit_imaging_group

pytestmark = pytest.mark.django_db


def _submit(persona: Persona, **changes: Any) -> dict[str, Any]:
    return submit_imaging_group(persona, **changes)


def _browser(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PERSONA_PASSWORD)
    return client


def test_the_list_shows_groups_with_state_counts_and_filters(submitter: Persona) -> None:
    _submit(submitter, name="alpha")
    beta = _submit(submitter, name="beta")
    RequestGroup.objects.filter(pk=beta["id"]).update(state="CANCELED")
    client = _browser("carol")
    html = client.get("/requestgroups/").content.decode()
    assert "alpha" in html and "beta" in html
    assert "ngc1300" in html  # the target
    assert 'data-state="PENDING"' in html and 'data-state="CANCELED"' in html
    filtered = client.get("/requestgroups/?state=PENDING").content.decode()
    assert "alpha" in filtered and ">beta<" not in filtered
    by_name = client.get("/requestgroups/?name=bet").content.decode()
    assert ">beta<" in by_name and ">alpha<" not in by_name
    ordered = client.get("/requestgroups/?ordering=name").content.decode()
    assert ordered.index(">alpha<") < ordered.index(">beta<")
    windows = client.get("/requestgroups/?window_after=2027-01-01").content.decode()
    assert "No request group matches these filters." in windows


def test_a_bad_filter_is_explained_beside_its_field(submitter: Persona) -> None:
    client = _browser("carol")
    html = client.get("/requestgroups/?created_after=yesterday").content.decode()
    assert 'id="id_created_after-error"' in html
    html = client.get(
        "/requestgroups/?created_after=2026-12-05&created_before=2026-12-01"
    ).content.decode()
    assert "This date is before the other one." in html


def test_the_request_list_pages_through_requests(submitter: Persona) -> None:
    group = _submit(submitter)
    html = _browser("carol").get("/requests/?state=PENDING&ordering=id").content.decode()
    assert f"Request {group['requests'][0]['id']}" in html
    assert "1M0-SCICAM-SINISTRO" in html


def test_group_detail_shows_requests_and_history(submitter: Persona) -> None:
    group = _submit(submitter)
    html = _browser("carol").get(f"/requestgroups/{group['id']}/").content.decode()
    assert "ngc1300-monitoring" in html
    assert "Submitted" in html
    assert f"/requestgroups/{group['id']}/cancel/" in html


def test_request_detail_shows_airmass_windows_and_why_it_waits(submitter: Persona) -> None:
    group = _submit(submitter)
    request_id = group["requests"][0]["id"]
    client = _browser("carol")
    html = client.get(f"/requests/{request_id}/").content.decode()
    assert f'hx-get="/requests/{request_id}/airmass/"' in html
    assert (
        'data-plot="airmass-data"' in client.get(f"/requests/{request_id}/airmass").content.decode()
    )
    assert "Not scheduled yet." in html
    assert "30 s" in html  # 2 × 30 s
    assert "No observation has been scheduled" in html
    assert "No frames yet" in html


def test_cancel_one_request_after_confirming(submitter: Persona) -> None:
    group = _submit(submitter)
    request_id = group["requests"][0]["id"]
    client = _browser("carol")
    confirm = client.get(f"/requests/{request_id}/cancel/")
    assert "Cancel request" in confirm.content.decode()
    assert Request.objects.get(pk=request_id).state == "PENDING"
    done = client.post(f"/requests/{request_id}/cancel/", follow=True)
    assert Request.objects.get(pk=request_id).state == "CANCELED"
    assert f"Request {request_id} is canceled." in done.content.decode()
    again = client.post(f"/requests/{request_id}/cancel/", follow=True)
    assert "cannot be canceled" in again.content.decode()


def test_cancel_a_group_after_confirming(submitter: Persona) -> None:
    group = _submit(submitter)
    client = _browser("carol")
    assert (
        "Cancel the group" in client.get(f"/requestgroups/{group['id']}/cancel/").content.decode()
    )
    client.post(f"/requestgroups/{group['id']}/cancel/")
    assert RequestGroup.objects.get(pk=group["id"]).state == "CANCELED"
    assert (
        "cannot be canceled"
        in client.post(f"/requestgroups/{group['id']}/cancel/", follow=True).content.decode()
    )


def test_another_proposal_s_group_is_a_404_page(
    submitter: Persona, make_persona: PersonaFactory
) -> None:
    group = _submit(submitter)
    request_id = group["requests"][0]["id"]
    make_persona("olivia")
    client = _browser("olivia")
    for url in (
        f"/requestgroups/{group['id']}/",
        f"/requests/{request_id}/",
        f"/requestgroups/{group['id']}/cancel/",
        f"/requests/{request_id}/cancel/",
        f"/requests/{request_id}/airmass",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "does not exist, or you do not have access to it" in response.content.decode()
    assert client.post(f"/requests/{request_id}/cancel/").status_code == 404
    assert Request.objects.get(pk=request_id).state == "PENDING"
    assert "ngc1300" not in client.get("/requestgroups/").content.decode()


def test_visitors_are_asked_to_sign_in(client: Client) -> None:
    response = client.get("/requestgroups/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_observations_show_with_their_configuration_statuses(submitter: Persona) -> None:
    from datetime import UTC, datetime

    from openocs.portal.observations.models import ConfigurationStatus, Observation, Summary

    group = _submit(submitter)
    row = Request.objects.get(pk=group["requests"][0]["id"])
    start = datetime(2026, 12, 2, 3, tzinfo=UTC)
    observation = Observation.objects.create(
        request=row,
        site="lsc",
        enclosure="doma",
        telescope="1m0a",
        start=start,
        end=start.replace(hour=4),
        state="FAILED",
    )
    status = ConfigurationStatus.objects.create(
        observation=observation,
        configuration=row.configurations.first(),
        instrument_name="fa15",
        state="FAILED",
    )
    Summary.objects.create(
        configuration_status=status,
        start=start,
        end=start,
        state="FAILED",
        reason="Clouds closed the dome",
        time_completed=30.0,
    )
    client = _browser("carol")
    html = client.get(f"/requests/{row.pk}/").content.decode()
    assert "lsc.doma.1m0a" in html
    assert "Clouds closed the dome" in html
    assert "30 s exposed" in html
    plot = client.get(f"/requests/{row.pk}/airmass").content.decode()
    assert "rgba(166, 27, 27, 0.18)" in plot  # the failed block on the airmass plot


def test_the_tools_page_plots_pressure_and_contention(submitter: Persona) -> None:
    _submit(submitter)
    html = _browser("carol").get("/tools/?instrument=1M0-SCICAM-SINISTRO").content.decode()
    assert 'data-plot="pressure-data"' in html
    assert 'data-plot="contention-data"' in html
    assert "Contention by right ascension · 1M0-SCICAM-SINISTRO" in html
    assert '"site_nights"' not in html  # figures, not the raw API answer
    everyone = Client().get("/tools/")
    assert everyone.status_code == 200  # the API's data is public, so is the page
