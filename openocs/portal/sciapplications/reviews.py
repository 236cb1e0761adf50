"""Writes of the review: staff assign reviewers, reviewers record a grade and comments.

Reviewing is open while the application is SUBMITTED; once the committee decides, the reviews
are kept as they are. A reviewer may not be an author of the application (its submitter, its
PI or a co-investigator).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from openocs.portal.sciapplications import emails
from openocs.portal.sciapplications.errors import ApplicationError
from openocs.portal.sciapplications.models import Review, ScienceApplication

GRADES = frozenset(grade for grade, _ in Review.GRADE_CHOICES)


def _require_staff(actor: Any) -> None:
    if not getattr(actor, "is_staff", False):
        raise ApplicationError("Only staff may assign reviewers.")


def is_author(application: ScienceApplication, user: Any) -> bool:
    """Whether ``user`` wrote or is named on ``application`` (and so may not review it)."""
    if user.pk == application.submitter_id:
        return True
    email = (user.email or "").strip().lower()
    if not email:
        return False
    named = {application.pi.lower()} | {
        address.lower()
        for address in application.coinvestigator_set.values_list("email", flat=True)
    }
    return email in named


@transaction.atomic
def review_assign(*, application: ScienceApplication, reviewer: Any, actor: Any) -> Review:
    """Ask ``reviewer`` to grade a submitted application, and tell them by e-mail."""
    _require_staff(actor)
    locked = ScienceApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ScienceApplication.SUBMITTED:
        raise ApplicationError("Only submitted applications are reviewed.")
    if not reviewer.is_active:
        raise ApplicationError(f"{reviewer.username} has no active account.", field="reviewer")
    if is_author(locked, reviewer):
        raise ApplicationError(
            f"{reviewer.username} is an author of this application.", field="reviewer"
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(science_application=locked, reviewer=reviewer)
    except IntegrityError as error:
        raise ApplicationError(
            f"{reviewer.username} already reviews this application.", field="reviewer"
        ) from error
    emails.queue_review_request(
        email=reviewer.email, application_id=locked.pk, title=locked.title, call=str(locked.call)
    )
    return review


@transaction.atomic
def review_unassign(*, review: Review, actor: Any) -> None:
    """Withdraw a review request (and any grade recorded) while the application is open."""
    _require_staff(actor)
    status = ScienceApplication.objects.filter(pk=review.science_application_id).values_list(
        "status", flat=True
    )
    if status.first() != ScienceApplication.SUBMITTED:
        raise ApplicationError("The committee has decided; its reviews are kept.")
    review.delete()


@transaction.atomic
def review_record(*, review: Review, actor: Any, grade: int, comments: str) -> Review:
    """The reviewer records (or changes) their grade, 1 (outstanding) to 5 (poor), and comments."""
    locked = (
        Review.objects.select_for_update().select_related("science_application").get(pk=review.pk)
    )
    if locked.reviewer_id != actor.pk:
        raise ApplicationError("This review is assigned to someone else.")
    if locked.science_application.status != ScienceApplication.SUBMITTED:
        raise ApplicationError("The committee has decided; the review is closed.")
    if grade not in GRADES:
        raise ApplicationError("Choose a grade from 1 (outstanding) to 5 (poor).", field="grade")
    locked.grade = grade
    locked.comments = comments.strip()
    locked.graded = timezone.now()
    locked.save(update_fields=["grade", "comments", "graded"])
    return locked
