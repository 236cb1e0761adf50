"""The monthly time-allocation reminder (spec §22) and the added/invitation e-mails' queueing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail

from openocs.portal.accounts.models import Profile
from openocs.portal.proposals import services, tasks

pytestmark = pytest.mark.django_db


def test_reminder_goes_to_pis_when_93_days_or_fewer_remain(
    pi, ci, allocation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.allocation_reminders_queue(now=datetime(2026, 11, 15, tzinfo=UTC))
    assert sent == 1
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "2026B" in message.subject
    assert "LCO2026B-001 1M0-SCICAM-SINISTRO: standard 50.00 of 50.00 h left" in message.body


def test_no_reminder_early_in_the_semester(pi, allocation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.allocation_reminders_queue(now=datetime(2026, 8, 2, tzinfo=UTC)) == 0
    assert mail.outbox == []


def test_no_reminder_for_education_users_or_inactive_proposals(
    pi, allocation, proposal, django_capture_on_commit_callbacks
):
    Profile.objects.filter(user=pi.user).update(education_user=True)
    moment = datetime(2026, 12, 1, tzinfo=UTC)
    assert services.allocation_reminders_queue(now=moment) == 0
    Profile.objects.filter(user=pi.user).update(education_user=False)
    services.proposals_set_active(proposal_ids=[proposal.id], active=False)
    assert services.allocation_reminders_queue(now=moment) == 0


def test_the_periodic_task_is_registered_monthly():
    from huey.contrib.djhuey import HUEY

    periodic = {t.__name__ for t in HUEY._registry._periodic_tasks}
    assert "allocation_reminder" in periodic
    assert tasks.allocation_reminder.task_class().validate_datetime(datetime(2026, 12, 1, 12, 0))
    assert not tasks.allocation_reminder.task_class().validate_datetime(
        datetime(2026, 12, 2, 12, 0)
    )


def test_a_rolled_back_invitation_sends_no_mail(pi, proposal, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.proposal_invite(
            proposal=proposal, actor=pi.user, emails_to_invite=["x@example.org"]
        )
        raise RuntimeError("failure after the invitation")
    assert mail.outbox == []
