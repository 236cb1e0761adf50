"""Failures forced half-way through a service leave nothing half-created."""

from __future__ import annotations

import pytest

from openocs.portal.proposals import accounting, emails, services
from openocs.portal.proposals.models import (
    AllocationLedgerEntry,
    Membership,
    ProposalInvite,
    TimeAllocation,
)

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_invite_failing_on_the_second_address_keeps_no_membership_or_invitation(
    pi, make_persona, proposal, monkeypatch
):
    make_persona("carol")
    calls = []
    original = emails.queue_invitation

    def fail_second(**kwargs):
        calls.append(kwargs["email"])
        if len(calls) == 2:
            raise Boom("mail queue unavailable")
        original(**kwargs)

    monkeypatch.setattr(emails, "queue_invitation", fail_second)
    with pytest.raises(Boom):
        services.proposal_invite(
            proposal=proposal,
            actor=pi.user,
            emails_to_invite=["carol@example.org", "x@example.org", "y@example.org"],
        )
    assert calls == ["x@example.org", "y@example.org"]
    assert ProposalInvite.objects.count() == 0
    assert not Membership.objects.filter(user__username="carol").exists()


def test_allocation_create_failing_after_the_first_grant_keeps_nothing(
    proposal, semester, monkeypatch
):
    original = accounting.allocation_grant
    grants = []

    def fail_second(**kwargs):
        grants.append(kwargs["kind"])
        if len(grants) == 2:
            raise Boom("database hiccup")
        return original(**kwargs)

    monkeypatch.setattr(accounting, "allocation_grant", fail_second)
    with pytest.raises(Boom):
        accounting.allocation_create(
            proposal=proposal,
            semester=semester,
            instrument_types=["A"],
            std_allocation=10,
            rr_allocation=1,
        )
    assert not TimeAllocation.objects.exists()
    assert not AllocationLedgerEntry.objects.exists()


def test_invitation_acceptance_failing_half_way_keeps_every_invitation_pending(
    pi, proposal, semester, make_persona, monkeypatch
):
    second = services.proposal_create(proposal_id="SECOND")
    for p in (proposal, second):
        ProposalInvite.objects.create(proposal=p, email="late@example.org")
    original = services.membership_add
    added = []

    def fail_second(**kwargs):
        added.append(kwargs["proposal"].id)
        if len(added) == 2:
            raise Boom("constraint failure")
        return original(**kwargs)

    monkeypatch.setattr(services, "membership_add", fail_second)
    late = make_persona("late", email="other@example.org")  # no invitation accepted at creation
    late.user.email = "late@example.org"
    with pytest.raises(Boom):
        services.invitations_accept_for_user(user=late.user)
    assert not Membership.objects.filter(user=late.user).exists()
    assert ProposalInvite.objects.filter(used__isnull=True).count() == 2


@pytest.mark.parametrize("rows", [1, 20])
def test_invitation_list_does_a_constant_number_of_queries(
    pi, proposal, rows, django_assert_max_num_queries
):
    for i in range(rows):
        ProposalInvite.objects.create(proposal=proposal, email=f"i{i}@example.org")
    with django_assert_max_num_queries(5):
        assert pi.client.get("/api/invitations/?limit=100").json()["count"] == rows
