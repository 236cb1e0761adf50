"""Accept, reject and port a science application into a proposal (one atomic step)."""

from __future__ import annotations

import pytest

from openocs.portal.proposals import accounting
from openocs.portal.proposals.models import (
    AllocationLedgerEntry,
    Membership,
    Proposal,
    ProposalInvite,
    TimeAllocation,
)
from openocs.portal.sciapplications import services
from openocs.portal.sciapplications.errors import ApplicationError
from openocs.portal.sciapplications.models import ScienceApplication
from openocs.portal.sciapplications.tests.conftest import FLOYDS, SINISTRO

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(draft, applicant):
    return services.application_submit(application=draft, actor=applicant.user)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous_client", 401), ("outsider", 403), ("applicant", 403), ("staff_user", 200)],
)
def test_only_staff_accept(persona, status, submitted, request):
    fixture = request.getfixturevalue(persona)
    client = getattr(fixture, "client", fixture)
    response = client.post(f"/api/scienceapplications/{submitted.id}/accept/", {}, format="json")
    assert response.status_code == status


def test_staff_accept_with_rank_then_port_creates_everything(
    submitted, staff_user, make_persona, django_capture_on_commit_callbacks
):
    known = make_persona("kim", email="ci-known@example.org")
    first = submitted.timerequest_set.order_by("id").first()
    url = f"/api/scienceapplications/{submitted.id}"
    response = staff_user.client.post(
        f"{url}/accept",
        {"tac_rank": 7, "tac_priority": 30, "approved_timerequests": [first.id]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [t["approved"] for t in response.json()["timerequest_set"]] == [True, False]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_user.client.post(f"{url}/port/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "PORTED"
    assert response.json()["proposal"] == "LCO2026B-007"

    proposal = Proposal.objects.get()
    assert (proposal.id, proposal.active, proposal.tac_priority) == ("LCO2026B-007", False, 30)
    assert [t.name for t in proposal.tags.all()] == ["transients"]
    allocation = TimeAllocation.objects.get()
    assert (allocation.instrument_types, allocation.std_allocation) == ([SINISTRO], 30.0)
    assert (allocation.tc_allocation, allocation.ipp_limit) == (2.0, 3.0)
    assert set(
        AllocationLedgerEntry.objects.values_list("source_type", "source_id").distinct()
    ) == {("scienceapplication", str(submitted.id))}
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"amy": "PI", known.user.username: "CI"}
    assert list(ProposalInvite.objects.values_list("email", "role")) == [
        ("ci-new@example.org", "CI")
    ]
    assert accounting.ledger_verify() == []


def test_port_failing_half_way_leaves_nothing(submitted, staff_user, semester):
    # Both time requests on the same instrument type: the second allocation overlaps the first.
    submitted.timerequest_set.update(instrument_types=[SINISTRO])
    services.application_accept(application=submitted, actor=staff_user.user)
    with pytest.raises(ApplicationError) as caught:
        services.application_port(application=submitted, actor=staff_user.user)
    assert caught.value.field == "instrument_types"
    assert not Proposal.objects.exists()
    assert not TimeAllocation.objects.exists()
    assert not Membership.objects.exists()
    assert not ProposalInvite.objects.exists()
    assert not AllocationLedgerEntry.objects.exists()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.proposal) == ("ACCEPTED", None)


def test_port_refuses_an_existing_proposal_id(submitted, staff_user):
    from openocs.portal.proposals.services import proposal_create

    proposal_create(proposal_id="LCO2026B-003")
    services.application_accept(application=submitted, actor=staff_user.user, tac_rank=3)
    response = staff_user.client.post(f"/api/scienceapplications/{submitted.id}/port/")
    assert response.status_code == 400
    assert response.json() == {"tac_rank": ["Proposal LCO2026B-003 already exists."]}


def test_unranked_applications_take_the_next_free_number(submitted, staff_user, applicant):
    from openocs.portal.proposals.services import proposal_create

    proposal_create(proposal_id="LCO2026B-004")
    services.application_accept(application=submitted, actor=staff_user.user)
    proposal = services.application_port(application=submitted, actor=staff_user.user)
    assert proposal.id == "LCO2026B-005"


def test_a_named_pi_without_account_is_invited_as_pi(draft, applicant, staff_user):
    draft.pi, draft.pi_first_name, draft.pi_last_name, draft.pi_institution = (
        "boss@example.org",
        "Bo",
        "Ss",
        "Uni",
    )
    draft.save()
    services.application_submit(application=draft, actor=applicant.user)
    services.application_accept(application=draft, actor=staff_user.user)
    proposal = services.application_port(application=draft, actor=staff_user.user)
    assert ProposalInvite.objects.get(email="boss@example.org").role == "PI"
    assert Membership.objects.get(proposal=proposal, user=applicant.user).role == "CI"


def test_reject_and_state_rules(submitted, staff_user):
    response = staff_user.client.post(f"/api/scienceapplications/{submitted.id}/reject/")
    assert response.json()["status"] == "REJECTED"
    again = staff_user.client.post(f"/api/scienceapplications/{submitted.id}/accept/")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["Only submitted applications can be accepted."]}
    port = staff_user.client.post(f"/api/scienceapplications/{submitted.id}/port/")
    assert port.json() == {"non_field_errors": ["Only accepted applications can be ported."]}


def test_admin_actions_call_the_services(client, django_user_model, submitted):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    url = "/admin/sciapplications/scienceapplication/"
    client.post(url, {"action": "accept", "_selected_action": [submitted.pk]})
    client.post(url, {"action": "port", "_selected_action": [submitted.pk]})
    assert ScienceApplication.objects.get().status == "PORTED"
    assert TimeAllocation.objects.filter(instrument_types=[FLOYDS]).count() == 1 or (
        TimeAllocation.objects.count() == 2
    )
