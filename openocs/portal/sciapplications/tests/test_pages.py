"""The proposal-cycle pages: who sees what, and refusals shown beside their field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openocs.portal.sciapplications import reviews, services
from openocs.portal.sciapplications.models import ScienceApplication

pytestmark = pytest.mark.django_db


def browser(persona: Any) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


@pytest.fixture
def submitted(draft: ScienceApplication, applicant: Any) -> ScienceApplication:
    return services.application_submit(application=draft, actor=applicant.user)


def test_an_outsider_finds_neither_the_application_nor_its_pdf(submitted, outsider):
    client = browser(outsider)
    assert client.get(f"/applications/{submitted.pk}/").status_code == 404
    assert client.get(f"/applications/{submitted.pk}/pdf").status_code == 404


def test_an_assigned_reviewer_reads_the_pdf(submitted, staff_user, make_persona):
    reviewer = make_persona("rita")
    client = browser(reviewer)
    assert client.get(f"/applications/{submitted.pk}/pdf").status_code == 404
    review = reviews.review_assign(
        application=submitted, reviewer=reviewer.user, actor=staff_user.user
    )
    response = client.get(f"/applications/{submitted.pk}/pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    # reading the stream closes the response through the test client's own wrapper; closing it
    # again by hand would send request_finished and close PostgreSQL's test connection
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert client.get(f"/reviews/{review.pk}/").status_code == 200


def test_only_staff_decide(submitted, applicant):
    response = browser(applicant).post(f"/applications/{submitted.pk}/accept", {"tac_rank": 1})
    assert response.status_code == 404
    assert ScienceApplication.objects.get(pk=submitted.pk).status == ScienceApplication.SUBMITTED


def test_submitting_without_a_pdf_shows_why_beside_the_field_and_saves_nothing(
    applicant, call, semester
):
    application = services.application_create(
        submitter=applicant.user, call=call, title="No PDF", fields={"abstract": "Short."}
    )
    response = browser(applicant).post(
        f"/applications/{application.pk}/",
        {
            "action": "submit",
            "call": call.pk,
            "title": "Changed title",
            "abstract": "Short.",
            "time-TOTAL_FORMS": "1",
            "time-INITIAL_FORMS": "0",
            "time-0-semester": semester.pk,
            "time-0-instrument_type": call.instruments[0],
            "time-0-std_time": "4",
            "coi-TOTAL_FORMS": "0",
            "coi-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert b'id="id_pdf-error"' in response.content
    assert b"A PDF is required to submit." in response.content
    fresh = ScienceApplication.objects.get(pk=application.pk)
    assert (fresh.title, fresh.status, fresh.timerequest_set.count()) == ("No PDF", "DRAFT", 0)


def test_a_closed_call_takes_no_new_application(applicant, call):
    call.deadline = call.opens
    call.save()
    response = browser(applicant).get(f"/applications/new?call={call.pk}")
    assert response.status_code == 302
    assert response["Location"] == "/calls/"


def test_staff_reject_from_the_page_and_the_applicant_is_told(
    submitted, staff_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = browser(staff_user).post(f"/applications/{submitted.pk}/reject")
    assert response.status_code == 302
    assert ScienceApplication.objects.get(pk=submitted.pk).status == ScienceApplication.REJECTED
    assert [m.to for m in mail.outbox if "not accepted" in m.subject] == [["amy@example.org"]]


def test_the_admin_shows_an_application_with_its_reviews(submitted, make_persona, staff_user):
    admin = make_persona("root", is_staff=True, is_superuser=True)
    reviews.review_assign(application=submitted, reviewer=staff_user.user, actor=admin.user)
    client = browser(admin)
    page = client.get(f"/admin/sciapplications/scienceapplication/{submitted.pk}/change/")
    assert page.status_code == 200
    assert b"stan" in page.content
    assert client.get("/admin/sciapplications/scienceapplication/").status_code == 200
