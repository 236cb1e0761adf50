"""``/api/calls/`` and ``/api/scienceapplications/`` (spec §20): drafting and submitting."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings

from openocs.portal.proposals.models import ScienceCollaboration
from openocs.portal.sciapplications.models import Call, ScienceApplication
from openocs.portal.sciapplications.tests.conftest import FLOYDS, SINISTRO, pdf_file

pytestmark = pytest.mark.django_db


def test_calls_list_and_only_open(applicant, call, semester):
    Call.objects.create(
        semester=semester,
        opens=datetime(2026, 1, 1, tzinfo=UTC),
        deadline=datetime(2026, 2, 1, tzinfo=UTC),
        instruments=[],
        proposal_type=Call.DDT,
    )
    body = applicant.client.get("/api/calls/").json()
    assert body["count"] == 2
    open_calls = applicant.client.get("/api/calls?only_open=true").json()["results"]
    assert [c["id"] for c in open_calls] == [call.id]
    assert open_calls[0] == {
        "id": call.id,
        "semester": "2026B",
        "opens": "2026-06-01T00:00:00Z",
        "deadline": "2026-07-01T00:00:00Z",
        "call_url": "https://example.org/call",
        "instruments": [SINISTRO, FLOYDS],
        "proposal_type": "SCI",
        "eligibility": "",
        "eligibility_short": "",
        "eligible_semesters": ["2026B"],
    }


def test_colab_calls_only_for_collaboration_admins(applicant, outsider, semester):
    Call.objects.create(
        semester=semester,
        opens=datetime(2026, 6, 1, tzinfo=UTC),
        deadline=datetime(2026, 7, 1, tzinfo=UTC),
        proposal_type=Call.COLAB,
    )
    ScienceCollaboration.objects.create(id="KP", name="Key partners", admin=applicant.user)
    assert applicant.client.get("/api/calls/").json()["count"] == 1
    assert outsider.client.get("/api/calls/").json()["count"] == 0


def test_anonymous_gets_401(anonymous_client, call):
    assert anonymous_client.get("/api/calls/").status_code == 401
    assert anonymous_client.get("/api/scienceapplications/").status_code == 401


def test_create_a_draft_with_json_then_submit_with_a_multipart_pdf(applicant, call, semester):
    body = {
        "title": "Comets",
        "call": call.id,
        "abstract": "Active comets.",
        "tags": ["comets"],
        "timerequest_set": [{"semester": "2026B", "instrument_types": [SINISTRO], "std_time": 5}],
        "coinvestigator_set": [{"email": "x@example.org", "first_name": "X"}],
    }
    response = applicant.client.post("/api/scienceapplications/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "DRAFT"
    assert created["pdf"] is None
    assert created["timerequest_set"][0]["approved"] is False
    response = applicant.client.patch(
        f"/api/scienceapplications/{created['id']}",
        {"pdf": pdf_file(), "status": "SUBMITTED"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    submitted = response.json()
    assert submitted["status"] == "SUBMITTED"
    assert submitted["submitted"] == "2026-06-15T12:00:00Z"
    assert submitted["pdf"].endswith(f"/api/scienceapplications/{created['id']}/pdf")
    pdf = applicant.client.get(f"/api/scienceapplications/{created['id']}/pdf")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    pdf.close()


def test_multipart_create_accepts_nested_lists_as_json(
    applicant, call, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.client.post(
            "/api/scienceapplications/",
            {
                "title": "Multipart",
                "call": call.id,
                "abstract": "Words.",
                "status": "SUBMITTED",
                "timerequest_set": json.dumps(
                    [{"semester": "2026B", "instrument_types": [FLOYDS], "std_time": 1}]
                ),
                "pdf": pdf_file(),
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "SUBMITTED"
    (message,) = mail.outbox
    assert message.to == ["amy@example.org"]
    assert message.subject == 'Your application "Multipart" has been submitted'


def _uploads() -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "sciapplications"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"abstract": "word " * 501}, "abstract"),
        ({"pdf": None}, "pdf"),
        ({"timerequest_set": []}, "timerequest_set"),
        (
            {"timerequest_set": [{"semester": "2026B", "instrument_types": ["2M0-NOPE"]}]},
            "timerequest_set",
        ),
        (
            {"timerequest_set": [{"semester": "1999A", "instrument_types": [SINISTRO]}]},
            "timerequest_set",
        ),
        ({"call": 999}, "call"),
        ({"pi": "not-an-email"}, "pi"),
        ({"pi": "pi@example.org"}, "pi"),
    ],
)
def test_bad_submission_is_400_naming_the_field_and_stays_draft(applicant, call, change, field):
    body = {
        "title": "T",
        "call": call.id,
        "abstract": "A.",
        "status": "SUBMITTED",
        "timerequest_set": json.dumps(
            [{"semester": "2026B", "instrument_types": [SINISTRO], "std_time": 1}]
        ),
        "pdf": pdf_file(),
    }
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value if isinstance(value, str | int) else json.dumps(value)
    before = _uploads()
    response = applicant.client.post("/api/scienceapplications/", body, format="multipart")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ScienceApplication.objects.exclude(status="DRAFT").exists()
    assert not ScienceApplication.objects.exists()  # the create and the submit are one step
    assert _uploads() == before  # no orphaned upload


def test_a_non_pdf_upload_is_refused(applicant, call):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = applicant.client.post(
        "/api/scienceapplications/",
        {"title": "T", "call": call.id, "pdf": fake},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"pdf": ["The file is not a PDF document."]}


def test_closed_call_refuses_new_drafts(applicant, semester):
    closed = Call.objects.create(
        semester=semester,
        opens=datetime(2026, 1, 1, tzinfo=UTC),
        deadline=datetime(2026, 2, 1, tzinfo=UTC),
    )
    response = applicant.client.post(
        "/api/scienceapplications/", {"title": "Late", "call": closed.id}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"call": ["The call is not open for submissions."]}


def test_only_drafts_change_or_delete(applicant, draft):
    url = f"/api/scienceapplications/{draft.id}/"
    assert applicant.client.patch(url, {"status": "SUBMITTED"}, format="json").status_code == 200
    response = applicant.client.patch(url, {"title": "New"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Only draft applications can be changed."]}
    assert applicant.client.delete(url).status_code == 400
    assert ScienceApplication.objects.get().title == "Kilonova hunting"


def test_owner_deletes_a_draft(applicant, draft):
    assert applicant.client.delete(f"/api/scienceapplications/{draft.id}").status_code == 204
    assert not ScienceApplication.objects.exists()


@pytest.mark.parametrize(
    ("persona", "list_count", "detail"),
    [
        ("outsider", 0, 404),
        ("staff_user", 0, 404),
        ("staff_view_user", 1, 200),
        ("applicant", 1, 200),
    ],
)
def test_applications_are_own_unless_staff_view(persona, list_count, detail, draft, request):
    client = request.getfixturevalue(persona).client
    assert client.get("/api/scienceapplications/").json()["count"] == list_count
    assert client.get(f"/api/scienceapplications/{draft.id}/").status_code == detail
    response = client.get(f"/api/scienceapplications/{draft.id}/pdf/")
    assert response.status_code == detail
    response.close()


def test_applicant_cannot_set_tac_rank(applicant, draft):
    applicant.client.patch(f"/api/scienceapplications/{draft.id}/", {"tac_rank": 1}, format="json")
    draft.refresh_from_db()
    assert draft.tac_rank == 0


def test_copy_into_the_open_call(applicant, draft):
    response = applicant.client.post(f"/api/scienceapplications/{draft.id}/copy/")
    assert response.status_code == 201
    copy = response.json()
    assert (copy["title"], copy["status"], copy["call"]) == (
        "Kilonova hunting",
        "DRAFT",
        draft.call_id,
    )
    assert len(copy["coinvestigator_set"]) == 2


@pytest.mark.parametrize("rows", [1, 20])
def test_list_does_a_constant_number_of_queries(
    applicant, call, rows, django_assert_max_num_queries
):
    from openocs.portal.sciapplications import services

    for i in range(rows):
        services.application_create(
            submitter=applicant.user,
            call=call,
            title=f"A{i}",
            fields={},
            timerequests=[{"semester": call.semester, "instrument_types": [SINISTRO]}],
            coinvestigators=[{"email": f"c{i}@example.org"}],
        )
    with django_assert_max_num_queries(6):
        assert applicant.client.get("/api/scienceapplications/").json()["count"] == rows


def test_the_target_list_and_the_pdf_counts_go_through_the_api(applicant, call):
    body = {
        "title": "Targets",
        "call": call.id,
        "targets": [{"name": "M31", "ra": 10.6847, "dec": 41.2687}],
    }
    response = applicant.client.post("/api/scienceapplications/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["targets"] == [{"name": "M31", "ra": 10.6847, "dec": 41.2687}]
    assert (created["pdf_pages"], created["pdf_words"]) == (0, 0)
    response = applicant.client.patch(
        f"/api/scienceapplications/{created['id']}/",
        {"pdf": pdf_file()},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["pdf_pages"], response.json()["pdf_words"]) == (1, 6)
    bad = applicant.client.post(
        "/api/scienceapplications/",
        {**body, "targets": [{"name": "X", "ra": 10, "dec": 95}]},
        format="json",
    )
    assert bad.status_code == 400
    assert "targets" in bad.json()
