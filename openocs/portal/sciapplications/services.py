"""Writes on science applications: draft, submit, accept, reject, copy and port (atomic).

Uploads are checked before anything is written: size, PDF magic bytes, pages and words
(``check_pdf``, with pypdf); target lists are names with RA/Dec in degrees (``check_targets``).

``application_port`` turns an accepted application into an inactive proposal with its time
allocations (through the ledger), its PI and co-investigators (members, or invitations for people
without an account) in one transaction: a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import PyPdfError

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
from openocs.portal.requestgroups.compose.document import sexagesimal_to_deg
from openocs.portal.sciapplications import conf, emails
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
    "targets",
)
PREFIXES = {Call.SCI: "", Call.DDT: "DDT", Call.KEY: "KEY", Call.NAOC: "NAOC"}


def abstract_word_count(text: str) -> int:
    return len(text.split())


def check_abstract(text: str) -> None:
    if abstract_word_count(text) > conf.ABSTRACT_MAX_WORDS:
        raise ApplicationError(
            f"Abstract is limited to {conf.ABSTRACT_MAX_WORDS} words.", field="abstract"
        )


@dataclass(frozen=True)
class PdfFacts:
    """What the checks read from an uploaded PDF."""

    pages: int
    words: int


def _pdf_text_facts(upload: UploadedFile[Any]) -> PdfFacts:
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise ApplicationError(
                "The PDF is protected by a password; upload it without one.", field="pdf"
            )
        pages = len(reader.pages)
        if pages > conf.PDF_MAX_PAGES:
            return PdfFacts(pages=pages, words=0)  # refused on its pages; no need to read on
        words = sum(len((page.extract_text() or "").split()) for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, IndexError, TypeError) as error:
        raise ApplicationError(
            "The PDF cannot be read; export it again from your editor.", field="pdf"
        ) from error
    finally:
        upload.seek(0)
    return PdfFacts(pages=pages, words=words)


def check_pdf(upload: UploadedFile[Any]) -> PdfFacts:
    """A real PDF within ``OCS_SCIAPP_PDF_MAX_MB``, ``…_MAX_PAGES`` and ``…_MAX_WORDS``.

    Each refusal names the limit and what the file has, so the applicant knows what to cut.
    """
    if upload.size is not None and upload.size > conf.PDF_MAX_MB * 1024 * 1024:
        raise ApplicationError(
            f"The PDF is {upload.size / (1024 * 1024):.1f} MB; the limit is {conf.PDF_MAX_MB} MB.",
            field="pdf",
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ApplicationError("The file is not a PDF document.", field="pdf")
    facts = _pdf_text_facts(upload)
    if facts.pages > conf.PDF_MAX_PAGES:
        raise ApplicationError(
            f"The PDF has {facts.pages} pages; the limit is {conf.PDF_MAX_PAGES} pages.",
            field="pdf",
        )
    if facts.words > conf.PDF_MAX_WORDS:
        raise ApplicationError(
            f"The PDF has {facts.words:,} words; the limit is {conf.PDF_MAX_WORDS:,} words.",
            field="pdf",
        )
    return facts


def check_targets(targets: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target a name with an RA in [0, 360) and a Dec in [-90, 90] degrees."""
    checked: list[dict[str, Any]] = []
    for number, target in enumerate(targets, start=1):
        name = str(target.get("name", "")).strip()
        try:
            ra = float(target["ra"])
            dec = float(target["dec"])
        except (KeyError, TypeError, ValueError) as error:
            raise ApplicationError(
                f"Target {number}: give its RA and Dec.", field="targets"
            ) from error
        if not name:
            raise ApplicationError(f"Target {number}: give it a name.", field="targets")
        if not (0.0 <= ra < 360.0 and -90.0 <= dec <= 90.0):
            raise ApplicationError(
                f"Target {number} ({name}): RA must be 0–360° and Dec −90–90°.",
                field="targets",
            )
        checked.append({"name": name[:100], "ra": round(ra, 7), "dec": round(dec, 7)})
    return checked


def _angle(text: str, *, hours: bool) -> float | None:
    try:
        return float(text)
    except ValueError:
        return sexagesimal_to_deg(text, hours=hours)


def targets_from_text(text: str) -> list[dict[str, Any]]:
    """``name, RA, Dec`` per line (degrees or ``hh:mm:ss`` / ``±dd:mm:ss``) as checked targets."""
    targets: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(",")]
        if len(parts) != 3:
            raise ApplicationError(
                f"Line {number}: write the name, RA and Dec separated by commas.",
                field="targets",
            )
        name, ra_text, dec_text = parts
        ra = _angle(ra_text, hours=":" in ra_text or " " in ra_text)
        dec = _angle(dec_text, hours=False)
        if ra is None or dec is None:
            raise ApplicationError(
                f"Line {number}: RA and Dec must be degrees or hh:mm:ss / ±dd:mm:ss.",
                field="targets",
            )
        targets.append({"name": name, "ra": ra, "dec": dec})
    return check_targets(targets)


def targets_as_text(targets: Sequence[dict[str, Any]]) -> str:
    def degrees(value: float) -> str:
        return f"{value:.6f}".rstrip("0").rstrip(".")

    return "\n".join(f"{t['name']}, {degrees(t['ra'])}, {degrees(t['dec'])}" for t in targets)


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
    if "targets" in fields:
        fields = {**fields, "targets": check_targets(fields["targets"])}
    facts = check_pdf(pdf) if pdf is not None else None
    application = ScienceApplication.objects.create(
        submitter=submitter,
        call=call,
        title=title,
        **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS},
    )
    if pdf is not None and facts is not None:
        application.pdf_pages, application.pdf_words = facts.pages, facts.words
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
    if "targets" in fields:
        fields = {**fields, "targets": check_targets(fields["targets"])}
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
        facts = check_pdf(pdf)
        locked.pdf_pages, locked.pdf_words = facts.pages, facts.words
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
    emails.queue_rejected(
        emails=[locked.submitter.email, locked.pi], title=locked.title, call=str(locked.call)
    )
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
    emails.queue_accepted(
        emails=[locked.submitter.email, locked.pi],
        title=locked.title,
        proposal_id=proposal.id,
        allocation_lines=[
            f"{r.semester_id}, {', '.join(r.instrument_types)}: {r.std_time:g} h standard, "
            f"{r.rr_time:g} h rapid response, {r.tc_time:g} h time critical"
            for r in approved
        ],
    )
    return proposal


@transaction.atomic
def application_accept_into_proposal(
    *,
    application: ScienceApplication,
    actor: Any,
    approved_timerequest_ids: Iterable[int] | None = None,
    tac_rank: int | None = None,
    tac_priority: int | None = None,
) -> Proposal:
    """Accept a submitted application and port it into a proposal, in one transaction.

    What the committee does from its ranking page: the time requests approved become the
    proposal's allocations, and the applicant hears of it by e-mail. Nothing is left half-done:
    a refused port (a taken proposal id, say) leaves the application SUBMITTED.
    """
    accepted = application_accept(
        application=application,
        actor=actor,
        approved_timerequest_ids=approved_timerequest_ids,
        tac_rank=tac_rank,
        tac_priority=tac_priority,
    )
    return application_port(application=accepted, actor=actor)


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
