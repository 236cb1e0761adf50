"""The portal's e-mail service: every e-mail is queued, never sent inside a web request.

Use :func:`send_email` for a ready message or :func:`send_templated_email` to render
``<template>_subject.txt`` and ``<template>_body.txt`` (and ``<template>_body.html`` when it
exists) from any installed app's ``templates`` folder. The message is handed to the task queue
when the surrounding database transaction commits, so a rolled-back operation sends nothing.
Tests see the e-mails in ``django.core.mail.outbox`` inside
``django_capture_on_commit_callbacks(execute=True)`` (the queue runs immediately under test).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from openocs.portal.tasks import send_email_task


def send_email(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    html_body: str | None = None,
    reply_to: Sequence[str] = (),
    from_email: str | None = None,
) -> bool:
    """Queue one e-mail to ``to`` (blank addresses dropped); False when nobody is left."""
    recipients = [address for address in to if address]
    if not recipients:
        return False
    subject_line = " ".join(subject.split())  # headers must not contain newlines

    def enqueue() -> None:
        send_email_task(
            subject=subject_line,
            body=body,
            to=recipients,
            html_body=html_body,
            reply_to=list(reply_to),
            from_email=from_email,
        )

    transaction.on_commit(enqueue)
    return True


def render_email(template: str, context: Mapping[str, Any]) -> tuple[str, str, str | None]:
    """Render ``(subject, text body, html body or None)`` from the ``<template>_*`` files."""
    subject = render_to_string(f"{template}_subject.txt", dict(context))
    body = render_to_string(f"{template}_body.txt", dict(context))
    try:
        html: str | None = render_to_string(f"{template}_body.html", dict(context))
    except TemplateDoesNotExist:
        html = None
    return subject, body, html


def send_templated_email(
    *,
    template: str,
    context: Mapping[str, Any],
    to: Sequence[str],
    reply_to: Sequence[str] = (),
) -> bool:
    """Render the ``template`` e-mail with ``context`` and queue it to ``to``."""
    subject, body, html = render_email(template, context)
    return send_email(subject=subject, body=body, to=to, html_body=html, reply_to=reply_to)
