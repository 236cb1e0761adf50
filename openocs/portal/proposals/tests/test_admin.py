"""Admin actions call the services: activate/deactivate, export, import, rollover, edit amounts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openocs.portal.proposals import accounting
from openocs.portal.proposals.models import Proposal, TimeAllocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


def test_deactivate_and_activate_actions(admin_client, proposal):
    url = "/admin/proposals/proposal/"
    admin_client.post(url, {"action": "deactivate", "_selected_action": [proposal.pk]})
    assert not Proposal.objects.get().active
    admin_client.post(url, {"action": "activate", "_selected_action": [proposal.pk]})
    assert Proposal.objects.get().active


def test_export_action_returns_csv(admin_client, allocation, proposal):
    response = admin_client.post(
        "/admin/proposals/proposal/",
        {"action": "export_allocations", "_selected_action": [proposal.pk]},
    )
    assert response["Content-Type"] == "text/csv"
    assert b"LCO2026B-001,Supernova follow-up" in response.content


def test_import_page_reports_bad_rows_and_imports_good_files(admin_client, semester):
    page = admin_client.get("/admin/proposals/proposal/import-csv/")
    assert page.status_code == 200
    bad = SimpleUploadedFile("p.csv", b"proposal,semester,instrument_types,tac_rank\nP,2026B,A,x\n")
    response = admin_client.post("/admin/proposals/proposal/import-csv/", {"csv_file": bad})
    assert "Row 2, column &#x27;tac_rank&#x27;" in response.content.decode()
    assert not Proposal.objects.exists()
    good = SimpleUploadedFile("p.csv", b"proposal,semester,instrument_types\nP,2026B,A\n")
    response = admin_client.post("/admin/proposals/proposal/import-csv/", {"csv_file": good})
    assert response.status_code == 302
    assert TimeAllocation.objects.get().proposal_id == "P"


def test_rollover_action(admin_client, allocation, semester, next_semester):
    admin_client.post(
        "/admin/proposals/semester/",
        {"action": "rollover_to_next", "_selected_action": [semester.pk]},
    )
    assert TimeAllocation.objects.get(semester=next_semester).std_allocation == 50.0


def test_editing_an_allocation_records_grants(admin_client, allocation):
    response = admin_client.post(
        f"/admin/proposals/timeallocation/{allocation.pk}/change/",
        {
            "instrument_types": '["1M0-SCICAM-SINISTRO"]',
            "std_allocation": "70",
            "rr_allocation": "0",
            "tc_allocation": "5",
            "realtime_allocation": "0",
            "ipp_limit": "5",
            "ledger_entries-TOTAL_FORMS": "0",
            "ledger_entries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    allocation.refresh_from_db()
    assert allocation.std_allocation == 70.0
    assert accounting.ledger_verify() == []


def test_ledger_is_read_only_in_the_admin(admin_client, allocation):
    assert admin_client.get("/admin/proposals/allocationledgerentry/").status_code == 200
    assert admin_client.get("/admin/proposals/allocationledgerentry/add/").status_code == 403


def test_allocation_page_shows_its_ledger(admin_client, allocation):
    page = admin_client.get(f"/admin/proposals/timeallocation/{allocation.pk}/change/")
    assert page.status_code == 200
    assert "Allocation ledger entries" in page.content.decode()
