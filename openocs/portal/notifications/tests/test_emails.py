"""E-mails of request events (spec portal §22): completion with the data link (once per
transition, D14), failure limit, and the opt-in e-mail for every request state change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from openocs.portal.conftest import Persona, PersonaFactory
from openocs.portal.notifications import conf
from openocs.portal.observations.tests.helpers import report, schedule, status_ids, submit
from openocs.portal.proposals.models import Membership, Proposal, ProposalNotification

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def _notify(persona: Persona, **fields: Any) -> None:
    profile = persona.profile
    for name, value in {"notifications_enabled": True, **fields}.items():
        setattr(profile, name, value)
    profile.save()


def _complete(staff: Persona, request: dict[str, Any], start: datetime) -> None:
    observation = schedule(staff, request, start)
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        for status_id in status_ids(observation):
            report(staff, status_id, state="COMPLETED", start=start, seconds=90, time_completed=60)


def test_completion_email_carries_the_archive_link_and_is_sent_once(
    submitter: Persona,
    staff_view_user: Persona,
    frozen_now: datetime,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _notify(submitter)
    group = submit(submitter)
    request = group["requests"][0]
    start = frozen_now + timedelta(hours=12)
    with django_capture_on_commit_callbacks(execute=True):
        _complete(staff_view_user, request, start)
    completed = [m for m in mail.outbox if "has completed" in m.subject]
    assert len(completed) == 1
    message = completed[0]
    assert message.subject == "Request ngc1300-monitoring has completed"
    assert message.to == ["carol@example.org"]
    # An absolute link: an e-mail has no host to resolve "/archive/…" against (issue 14).
    assert f"http://127.0.0.1:8000/archive/frames/?request_id={request['id']}" in message.body
    # D14: re-saving the completed observation (pyobs-core retries) sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        observation = staff_view_user.client.get(f"/api/observations/?request_id={request['id']}")
        status_id = status_ids(observation.json()["results"][0])[0]
        with time_machine.travel(start + timedelta(minutes=3), tick=False):
            report(
                staff_view_user,
                status_id,
                state="COMPLETED",
                start=start,
                seconds=90,
                time_completed=60,
            )
    assert len([m for m in mail.outbox if "has completed" in m.subject]) == 1


@override_settings(REQUESTGROUP_DATA_DOWNLOAD_URL="https://data.example.org/rg/{requestgroup_id}/")
def test_completion_link_follows_the_download_url_setting(
    submitter: Persona,
    staff_view_user: Persona,
    frozen_now: datetime,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _notify(submitter)
    group = submit(submitter)
    with django_capture_on_commit_callbacks(execute=True):
        _complete(staff_view_user, group["requests"][0], frozen_now + timedelta(hours=12))
    (message,) = [m for m in mail.outbox if "has completed" in m.subject]
    assert f"https://data.example.org/rg/{group['id']}/" in message.body


def test_archive_link_uses_the_archive_url_with_a_trailing_slash() -> None:
    with override_settings(OCS_ARCHIVE_URL="https://archive.example.org"):
        assert conf.archive_url() == "https://archive.example.org/"
    with override_settings(OCS_ARCHIVE_URL=""):
        assert conf.archive_url() == "/archive/"


@override_settings(MAX_FAILURES_PER_REQUEST=2)
def test_failure_limit_email_names_the_request_and_the_limit(
    submitter: Persona,
    staff_view_user: Persona,
    frozen_now: datetime,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _notify(submitter)
    request = submit(submitter)["requests"][0]
    with django_capture_on_commit_callbacks(execute=True):
        for night in (0, 1):
            start = frozen_now + timedelta(days=night, hours=10)
            observation = schedule(staff_view_user, request, start)
            with time_machine.travel(start + timedelta(minutes=5), tick=False):
                report(
                    staff_view_user,
                    status_ids(observation)[0],
                    state="FAILED",
                    start=start,
                    seconds=30,
                    time_completed=0,
                    reason="clouds",
                )
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [f"Request #{request['id']} has failed 2 times and will not be rescheduled"]


def test_state_change_emails_reach_only_those_who_opted_in(
    submitter: Persona,
    make_persona: PersonaFactory,
    proposal: Proposal,
    frozen_now: datetime,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    follower = make_persona("fred")  # not a member: a per-proposal opt-in (§19.2)
    ProposalNotification.objects.create(proposal=proposal, user=follower.user)
    quiet = make_persona("quentin")  # member with notifications, but no per-change opt-in
    Membership.objects.create(proposal=proposal, user=quiet.user, role=Membership.CI)
    _notify(quiet)
    author_only = make_persona("alice")  # opted in, but only for groups she submitted
    Membership.objects.create(proposal=proposal, user=author_only.user, role=Membership.CI)
    _notify(author_only, notifications_on_authored_only=True)
    _notify(submitter)
    for persona in (follower, submitter, author_only):
        response = persona.client.patch(
            "/api/notifications/preferences/", {"every_request_state": True}, format="json"
        )
        assert response.json() == {"every_request_state": True}
    group = submit(submitter)
    with django_capture_on_commit_callbacks(execute=True):
        response = submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
        assert response.status_code == 200, response.json()
    request_id = group["requests"][0]["id"]
    assert [(m.subject, sorted(m.to)) for m in mail.outbox] == [
        (
            f"Request #{request_id} is now CANCELED",
            ["carol@example.org", "fred@example.org"],
        )
    ]
    assert "changed from PENDING to CANCELED" in mail.outbox[0].body


def test_preferences_need_authentication(anonymous_client: Any) -> None:
    assert anonymous_client.get("/api/notifications/preferences/").status_code == 401


def test_a_cancelled_many_group_with_a_completed_child_gets_no_completion_email(
    submitter: Persona, frozen_now: datetime, django_capture_on_commit_callbacks: Capture
) -> None:
    from openocs.portal.requestgroups.models import Request
    from openocs.portal.requestgroups.services import request_set_state
    from openocs.portal.requestgroups.tests.conftest import imaging_group

    _notify(submitter)
    body = imaging_group(operator="MANY")
    body["requests"] = [body["requests"][0], dict(body["requests"][0])]
    group = submitter.client.post("/api/requestgroups/", body, format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        request_set_state(
            request=Request.objects.get(pk=group["requests"][0]["id"]), new_state="COMPLETED"
        )
        submitter.client.post(f"/api/requestgroups/{group['id']}/cancel/")
    assert [m.subject for m in mail.outbox if "has completed" in m.subject] == []


def test_the_data_link_is_made_absolute_on_the_public_url(settings: Any) -> None:
    from types import SimpleNamespace

    from openocs.portal.notifications.emails import data_download_url

    settings.OCS_PORTAL_PUBLIC_URL = "https://portal.example.org"
    group = SimpleNamespace(pk=7)
    assert data_download_url(group, 42) == (
        "https://portal.example.org/archive/frames/?request_id=42"
    )
    settings.REQUESTGROUP_DATA_DOWNLOAD_URL = "https://data.example.org/{requestgroup_id}"
    assert data_download_url(group, 42) == "https://data.example.org/7"
