"""The portal e-mail service: queued after commit, retried by the task queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from huey.contrib.djhuey import HUEY

from openocs.portal import mail as portal_mail
from openocs.portal.tasks import EMAIL_RETRIES, send_email_task

pytestmark = pytest.mark.django_db


def test_email_leaves_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = portal_mail.send_email(subject="Hello", body="Body", to=["a@example.org"])
    assert queued is True
    assert mail.outbox == []  # nothing is sent inside the request
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_a_rolled_back_operation_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        portal_mail.send_email(subject="Hello", body="Body", to=["a@example.org"])
        raise Abort
    assert mail.outbox == []


def test_blank_recipients_are_dropped_and_nobody_means_no_email(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert portal_mail.send_email(subject="x", body="y", to=["", ""]) is False
        portal_mail.send_email(subject="x", body="y", to=["", "b@example.org"])
    assert [m.to for m in mail.outbox] == [["b@example.org"]]


def test_subject_newlines_are_folded_and_html_is_attached(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        portal_mail.send_email(
            subject="Line one\nline two\n",
            body="text",
            html_body="<p>html</p>",
            to=["a@example.org"],
            reply_to=["pi@example.org"],
        )
    message = mail.outbox[0]
    assert message.subject == "Line one line two"
    assert isinstance(message, EmailMultiAlternatives)
    assert message.alternatives[0][0] == "<p>html</p>"
    assert message.reply_to == ["pi@example.org"]


def test_templated_email_renders_subject_and_body(django_capture_on_commit_callbacks: Any) -> None:
    class FakeUser:
        username = "zed"
        first_name = ""
        pk = 7
        email = "zed@example.org"

        def get_full_name(self) -> str:
            return "Zed Zulu"

    with django_capture_on_commit_callbacks(execute=True):
        portal_mail.send_templated_email(
            template="accounts/email/removal_request",
            context={"user": FakeUser(), "reason": "R & D", "organization_name": "Obs"},
            to=["staff@example.org"],
        )
    message = mail.outbox[0]
    assert message.subject == "Account removal request from zed"
    assert "R & D" in message.body  # plain text: not HTML-escaped


def test_a_failing_send_is_rescheduled_by_the_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_send(self: EmailMultiAlternatives, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken_send)
    HUEY.flush()
    send_email_task(subject="s", body="b", to=["a@example.org"])  # immediate mode: runs now
    retries = [t for t in HUEY.scheduled() if isinstance(t, send_email_task.task_class)]
    assert len(retries) == 1
    assert retries[0].retries == EMAIL_RETRIES - 1
    assert retries[0].kwargs["to"] == ["a@example.org"]
    HUEY.flush()
