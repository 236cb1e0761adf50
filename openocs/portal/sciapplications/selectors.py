"""Reads of the proposal cycle: calls a user may answer, applications they may see, rankings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from openocs.portal.proposals.models import ScienceCollaboration
from openocs.portal.proposals.selectors import is_staff_view
from openocs.portal.sciapplications.models import Call, Review, ScienceApplication, TimeRequest

DECIDED = (ScienceApplication.ACCEPTED, ScienceApplication.REJECTED, ScienceApplication.PORTED)


def calls_visible_to(user: Any) -> QuerySet[Call]:
    """Every call, but COLAB calls only for collaboration administrators (and staff_view)."""
    calls = Call.objects.prefetch_related("eligible_semesters").order_by("-deadline", "id")
    if is_staff_view(user) or ScienceCollaboration.objects.filter(admin_id=user.pk).exists():
        return calls
    return calls.exclude(proposal_type=Call.COLAB)


def open_calls(user: Any, *, now: datetime | None = None) -> QuerySet[Call]:
    moment = now or timezone.now()
    return (
        calls_visible_to(user).filter(opens__lte=moment, deadline__gte=moment).order_by("deadline")
    )


def applications_of(user: Any) -> QuerySet[ScienceApplication]:
    """The user's own applications, newest first."""
    return (
        ScienceApplication.objects.filter(submitter_id=user.pk)
        .select_related("call", "proposal")
        .order_by("-modified", "-id")
    )


def application_for_reader(user: Any, pk: int) -> ScienceApplication | None:
    """The application when ``user`` wrote it, reviews it, or is staff; else None."""
    applications = ScienceApplication.objects.select_related("call", "submitter", "proposal")
    if not user.is_staff:
        applications = applications.filter(
            Q(submitter_id=user.pk) | Q(reviews__reviewer_id=user.pk)
        ).distinct()
    return applications.filter(pk=pk).first()


def reviews_of(user: Any) -> QuerySet[Review]:
    """The reviews assigned to ``user``: open ones first, then by deadline."""
    return (
        Review.objects.filter(reviewer_id=user.pk)
        .select_related("science_application__call")
        .order_by("graded", "science_application__call__deadline", "id")
    )


@dataclass(frozen=True)
class RankingRow:
    """One application in a call's ranking."""

    position: int | None  # 1 = best mean grade; None until at least one grade
    application: ScienceApplication
    mean_grade: float | None
    reviews: int
    graded: int
    hours_requested: float


def call_ranking(call: Call) -> list[RankingRow]:
    """Submitted and decided applications of ``call``, best mean grade first, ungraded last."""
    applications = (
        ScienceApplication.objects.filter(call=call)
        .exclude(status=ScienceApplication.DRAFT)
        .select_related("submitter", "proposal")
        .prefetch_related(
            Prefetch("timerequest_set", queryset=TimeRequest.objects.order_by("id")),
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer")),
        )
        .annotate(
            mean_grade=Avg("reviews__grade"),
            review_count=Count("reviews", distinct=True),
            graded_count=Count("reviews", filter=Q(reviews__grade__isnull=False), distinct=True),
        )
    )
    ordered = sorted(
        applications,
        key=lambda a: (
            a.mean_grade is None,
            a.mean_grade or 0.0,
            a.submitted or a.created,
            a.pk,
        ),
    )
    rows: list[RankingRow] = []
    for index, application in enumerate(ordered, start=1):
        mean = application.mean_grade
        rows.append(
            RankingRow(
                position=index if mean is not None else None,
                application=application,
                mean_grade=float(mean) if mean is not None else None,
                reviews=application.review_count,
                graded=application.graded_count,
                hours_requested=sum(
                    r.std_time + r.rr_time + r.tc_time for r in application.timerequest_set.all()
                ),
            )
        )
    return rows
