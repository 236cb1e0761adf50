"""Writes on science applications: draft, submit, accept, reject, copy and port (atomic).

``application_port`` turns an accepted application into an inactive proposal with its time
allocations (through the ledger), its PI and co-investigators (members, or invitations for people
without an account) in one transaction: a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from openocs.portal.mail import send_email
from openocs.portal.proposals import accounting
from openocs.portal.proposals import conf as proposals_conf
from openocs.portal.proposals import services as proposal_services
from openocs.portal.proposals.errors import ProposalError
from openocs.portal.proposals.models import (
    Membership,
    Proposal,
    ProposalInvite,
    ScienceCollaboration,
)
from openocs.portal.sciapplications import conf
from openocs.portal.sciapplications.errors import ApplicationError
from openocs.portal.sciapplications.models import (
    Call,
    CoInvestigator,
    ScienceApplication,
    TimeRequest,
)

EDITABLE_FIELDS = (
    "title",
    "abstract",
    "pi",
    "pi_first_name",
    "pi_last_name",
    "pi_institution",
    "tags",
)
PREFIXES = {Call.SCI: "", Call.DDT: "DDT", Call.KEY: "KEY", Call.NAOC: "NAOC"}


def abstract_word_count(text: str) -> int:
    return len(text.split())


def check_abstract(text: str) -> None:
    if abstract_word_count(text) > conf.ABSTRACT_MAX_WORDS:
        raise ApplicationError(
            f"Abstract is limited to {conf.ABSTRACT_MAX_WORDS} words.", field="abstract"
        )


def check_pdf(upload: UploadedFile[Any]) -> None:
    """A real PDF (magic bytes), not larger than ``OCS_SCIAPP_PDF_MAX_MB``."""
    if upload.size is not None and upload.size > conf.PDF_MAX_MB * 1024 * 1024:
        raise ApplicationError(f"The PDF is larger than {conf.PDF_MAX_MB} MB.", field="pdf")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ApplicationError("The file is not a PDF document.", field="pdf")


def call_is_open(call: Call, *, now: datetime | None = None) -> bool:
    moment = now or timezone.now()
    return call.opens <= moment <= call.deadline


def _replace_children(
    application: ScienceApplication,
    *,
    timerequests: Sequence[dict[str, Any]] | None,
    coinvestigators: Sequence[dict[str, Any]] | None,
) -> None:
    if timerequests is not None:
        application.timerequest_set.all().delete()
        TimeRequest.objects.bulk_create(
            [
                TimeRequest(
                    science_application=application,
                    semester=tr["semester"],
                    instrument_types=list(tr["instrument_types"]),
                    std_time=tr.get("std_time", 0.0),
                    rr_time=tr.get("rr_time", 0.0),
                    tc_time=tr.get("tc_time", 0.0),
                )
                for tr in timerequests
            ]
        )
    if coinvestigators is not None:
        application.coinvestigator_set.all().delete()
        CoInvestigator.objects.bulk_create(
            [CoInvestigator(science_application=application, **coi) for coi in coinvestigators]
        )


def _check_submittable(application: ScienceApplication, *, now: datetime) -> None:
    call = application.call
    if not call_is_open(call, now=now):
        raise ApplicationError("The call is not open for submissions.", field="call")
    if not application.abstract.strip():
        raise ApplicationError("An abstract is required to submit.", field="abstract")
    if not application.pdf:
        raise ApplicationError("A PDF is required to submit.", field="pdf")
    if application.pi and not (
        application.pi_first_name and application.pi_last_name and application.pi_institution
    ):
        raise ApplicationError(
            "The PI's first name, last name and institution are required.", field="pi"
        )
    requests = list(application.timerequest_set.all())
    if not requests:
        raise ApplicationError("At least one time request is required.", field="timerequest_set")
    offered = {code.upper() for code in call.instruments}
    eligible = {s.pk for s in call.eligible_semesters.all()} or {call.semester_id}
    for request in requests:
        unknown = [t for t in request.instrument_types if t.upper() not in offered]
        if unknown:
            raise ApplicationError(
                f"Instrument type(s) {', '.join(unknown)} are not offered by this call.",
                field="timerequest_set",
            )
        if request.semester_id not in eligible:
            raise ApplicationError(
                f"Semester {request.semester_id} is not eligible for this call.",
                field="timerequest_set",
            )


@transaction.atomic
def application_create(
    *,
    submitter: Any,
    call: Call,
    title: str,
    fields: dict[str, Any],
    timerequests: Sequence[dict[str, Any]] = (),
    coinvestigators: Sequence[dict[str, Any]] = (),
    pdf: UploadedFile[Any] | None = None,
    submit: bool = False,
) -> ScienceApplication:
    """Draft an application for an open call (and submit it when ``submit``)."""
    if not call_is_open(call):
        raise ApplicationError("The call is not open for submissions.", field="call")
    if (
        call.proposal_type == Call.COLAB
        and not ScienceCollaboration.objects.filter(admin=submitter).exists()
    ):
        raise ApplicationError(
            "Only collaboration administrators may answer this call.", field="call"
        )
    check_abstract(fields.get("abstract", ""))
    if pdf is not None:
        check_pdf(pdf)
    application = ScienceApplication.objects.create(
        submitter=submitter,
        call=call,
        title=title,
        **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS},
    )
    if pdf is not None:
        application.pdf.save(pdf.name or "application.pdf", pdf, save=True)
    try:
        _replace_children(application, timerequests=timerequests, coinvestigators=coinvestigators)
        if submit:
            application_submit(application=application, actor=submitter)
    except Exception:
        _forget_file(application.pdf)  # the row is rolled back; do not orphan the file
        raise
    return application


@transaction.atomic
def application_update(
    *,
    application: ScienceApplication,
    actor: Any,
    fields: dict[str, Any],
    timerequests: Sequence[dict[str, Any]] | None = None,
    coinvestigators: Sequence[dict[str, Any]] | None = None,
    pdf: UploadedFile[Any] | None = None,
    submit: bool = False,
) -> ScienceApplication:
    """Change a draft (only drafts may change); ``submit`` submits it afterwards."""
    locked = ScienceApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ScienceApplication.DRAFT:
        raise ApplicationError("Only draft applications can be changed.")
    if "abstract" in fields:
        check_abstract(fields["abstract"])
    changed = [k for k in fields if k in EDITABLE_FIELDS]
    for name in changed:
        setattr(locked, name, fields[name])
    if "call" in fields and fields["call"].pk != locked.call_id:
        if not call_is_open(fields["call"]):
            raise ApplicationError("The call is not open for submissions.", field="call")
        locked.call = fields["call"]
        changed.append("call")
    if "title" in fields:
        locked.title = fields["title"]
    locked.save()
    previous = locked.pdf.name if pdf is not None and locked.pdf else None
    if pdf is not None:
        check_pdf(pdf)
        locked.pdf.save(pdf.name or "application.pdf", pdf, save=True)
    try:
        _replace_children(locked, timerequests=timerequests, coinvestigators=coinvestigators)
        if submit:
            application_submit(application=locked, actor=actor)
    except Exception:
        if pdf is not None:
            _forget_file(locked.pdf)  # the row keeps its previous PDF on rollback
        raise
    if previous:
        storage = locked.pdf.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return locked


def _forget_file(field: Any) -> None:
    if field and field.name:
        field.storage.delete(field.name)


@transaction.atomic
def application_submit(*, application: ScienceApplication, actor: Any) -> ScienceApplication:
    """Check that a draft is complete and the call open, then mark it SUBMITTED."""
    locked = ScienceApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ScienceApplication.DRAFT:
        raise ApplicationError("Only draft applications can be submitted.")
    now = timezone.now()
    _check_submittable(locked, now=now)
    locked.status = ScienceApplication.SUBMITTED
    locked.submitted = now
    locked.save(update_fields=["status", "submitted", "modified"])
    send_email(
        subject=f'Your application "{locked.title}" has been submitted',
        body=(
            f'Your application "{locked.title}" to the {locked.call} at '
            f"{proposals_conf.ORGANIZATION_NAME} was submitted on {now:%Y-%m-%d %H:%M} UTC.\n"
            "You will hear from the time-allocation committee after the deadline.\n"
        ),
        to=[locked.submitter.email],
    )
    return locked


@transaction.atomic
def application_delete(*, application: ScienceApplication, actor: Any) -> None:
    if application.status != ScienceApplication.DRAFT:
        raise ApplicationError("Only draft applications can be deleted.")
    if application.pdf:
        pdf = application.pdf
        name = pdf.name or ""
        transaction.on_commit(lambda: pdf.storage.delete(name))
    application.delete()


def _decide(application: ScienceApplication, *, to: str) -> ScienceApplication:
    locked = ScienceApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ScienceApplication.SUBMITTED:
        raise ApplicationError(f"Only submitted applications can be {to.lower()}.")
    locked.status = to
    return locked


@transaction.atomic
def application_accept(
    *,
    application: ScienceApplication,
    actor: Any,
    approved_timerequest_ids: Iterable[int] | None = None,
    tac_rank: int | None = None,
    tac_priority: int | None = None,
) -> ScienceApplication:
    """Staff accept a submitted application and approve its time requests (all by default)."""
    locked = _decide(application, to=ScienceApplication.ACCEPTED)
    if tac_rank is not None:
        locked.tac_rank = tac_rank
    if tac_priority is not None:
        locked.tac_priority = tac_priority
    locked.save()
    requests = locked.timerequest_set.all()
    if approved_timerequest_ids is not None:
        ids = set(approved_timerequest_ids)
        unknown = ids - set(requests.values_list("pk", flat=True))
        if unknown:
            raise ApplicationError(
                f"Time request(s) {sorted(unknown)} do not belong to this application.",
                field="approved_timerequests",
            )
        requests.update(approved=False)
        requests = requests.filter(pk__in=ids)
    requests.update(approved=True)
    return locked


@transaction.atomic
def application_reject(*, application: ScienceApplication, actor: Any) -> ScienceApplication:
    locked = _decide(application, to=ScienceApplication.REJECTED)
    locked.save(update_fields=["status", "modified"])
    return locked


def proposal_id_for(application: ScienceApplication) -> str:
    """``{LCO|KEY|DDT|NAOC|<collaboration>}<semester>-<rank:03>`` (spec §20)."""
    call = application.call
    if call.proposal_type == Call.COLAB:
        collaboration = (
            ScienceCollaboration.objects.filter(admin=application.submitter).order_by("id").first()
        )
        prefix = collaboration.id if collaboration else "COLAB"
    else:
        prefix = PREFIXES[call.proposal_type] or proposals_conf.SCIENCE_PROPOSAL_PREFIX
    stem = f"{prefix}{call.semester_id}-"
    rank = application.tac_rank
    if rank <= 0:
        taken = [
            int(m.group(1))
            for pid in Proposal.objects.filter(id__startswith=stem).values_list("id", flat=True)
            if (m := re.fullmatch(re.escape(stem) + r"(\d+)", pid))
        ]
        rank = max(taken, default=0) + 1
    return f"{stem}{rank:03d}"


@transaction.atomic
def application_port(
    *, application: ScienceApplication, actor: Any, proposal_id: str | None = None
) -> Proposal:
    """Turn an accepted application into an inactive proposal, in one transaction.

    Creates the proposal, one allocation per approved time request (opening ledger entries,
    default IPP), the PI (the application's PI e-mail, else the submitter) and the
    co-investigators as members — or invitations for addresses without an account — and marks
    the application PORTED. Any failure rolls everything back.
    """
    locked = (
        ScienceApplication.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if locked.status != ScienceApplication.ACCEPTED:
        raise ApplicationError("Only accepted applications can be ported.")
    approved = list(locked.timerequest_set.filter(approved=True).select_related("semester"))
    if not approved:
        raise ApplicationError("No time request is approved.", field="timerequest_set")
    pid = proposal_id or proposal_id_for(locked)
    sca = None
    if locked.call.proposal_type == Call.COLAB:
        sca = ScienceCollaboration.objects.filter(admin=locked.submitter).order_by("id").first()
    try:
        proposal = proposal_services.proposal_create(
            proposal_id=pid,
            title=locked.title,
            abstract=locked.abstract,
            active=False,
            tac_priority=locked.tac_priority,
            tac_rank=locked.tac_rank,
            tags=locked.tags,
        )
        if sca is not None:
            proposal.sca = sca
            proposal.save(update_fields=["sca"])
        for request in approved:
            accounting.allocation_create(
                proposal=proposal,
                semester=request.semester,
                instrument_types=request.instrument_types,
                std_allocation=request.std_time,
                rr_allocation=request.rr_time,
                tc_allocation=request.tc_time,
                reason=f"science application {locked.pk}",
                source_type="scienceapplication",
                source_id=locked.pk,
                actor=actor,
            )
        _port_members(locked, proposal=proposal, actor=actor)
    except ProposalError as error:
        field = "tac_rank" if error.field == "id" else (error.field or "non_field_errors")
        raise ApplicationError(error.message, field=field) from error
    locked.status = ScienceApplication.PORTED
    locked.proposal = proposal
    locked.save(update_fields=["status", "proposal", "modified"])
    return proposal


def _port_members(application: ScienceApplication, *, proposal: Proposal, actor: Any) -> None:
    users = get_user_model().objects
    pi_email = application.pi or application.submitter.email
    pi_user = (
        application.submitter
        if not application.pi
        else users.filter(email__iexact=application.pi, is_active=True).first()
    )
    if pi_user is not None:
        proposal_services.membership_add(proposal=proposal, user=pi_user, role=Membership.PI)
    else:
        proposal_services.proposal_invite(
            proposal=proposal,
            actor=actor,
            emails_to_invite=[pi_email],
            role=Membership.PI,
            check_pi=False,
        )
    if application.submitter != pi_user:
        proposal_services.membership_add(
            proposal=proposal, user=application.submitter, role=Membership.CI
        )
    member_emails = {
        e.lower()
        for e in Membership.objects.filter(proposal=proposal).values_list("user__email", flat=True)
    }
    invited = {
        e.lower()
        for e in ProposalInvite.objects.filter(proposal=proposal).values_list("email", flat=True)
    }
    others: list[str] = []
    for coi in application.coinvestigator_set.all():
        email = coi.email.strip()
        if email.lower() not in member_emails | invited and email.lower() not in {
            o.lower() for o in others
        }:
            others.append(email)
    if others:
        proposal_services.proposal_invite(
            proposal=proposal, actor=actor, emails_to_invite=others, check_pi=False
        )


@transaction.atomic
def application_copy(*, application: ScienceApplication, actor: Any) -> ScienceApplication:
    """Copy an application into the open call of the same type, as a new draft (spec §20)."""
    now = timezone.now()
    call = (
        Call.objects.filter(
            proposal_type=application.call.proposal_type, opens__lte=now, deadline__gte=now
        )
        .order_by("deadline")
        .first()
    )
    if call is None:
        raise ApplicationError("There is no open call of this type to copy into.", field="call")
    return application_create(
        submitter=actor,
        call=call,
        title=application.title,
        fields={name: getattr(application, name) for name in EDITABLE_FIELDS if name != "title"},
        timerequests=[],
        coinvestigators=[
            {
                "email": c.email,
                "first_name": c.first_name,
                "last_name": c.last_name,
                "institution": c.institution,
            }
            for c in application.coinvestigator_set.all()
        ],
    )
