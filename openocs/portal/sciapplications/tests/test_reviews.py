"""Review assignments, grades, the call's ranking, and acceptance into a proposal with e-mails."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from openocs.portal.proposals.models import Membership, Proposal, TimeAllocation
from openocs.portal.sciapplications import reviews, selectors, services
from openocs.portal.sciapplications.errors import ApplicationError
from openocs.portal.sciapplications.models import Review, ScienceApplication
from openocs.portal.sciapplications.tests.conftest import SINISTRO, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(draft, applicant):
    return services.application_submit(application=draft, actor=applicant.user)


@pytest.fixture
def reviewer(make_persona):
    return make_persona("rita")


def second_application(
    applicant: Any, call: Any, semester: Any, title: str = "Second"
) -> ScienceApplication:
    application = services.application_create(
        submitter=applicant.user,
        call=call,
        title=title,
        fields={"abstract": "More."},
        timerequests=[{"semester": semester, "instrument_types": [SINISTRO], "std_time": 5.0}],
        pdf=pdf_file(),
    )
    return services.application_submit(application=application, actor=applicant.user)


def test_staff_assign_a_reviewer_who_is_told_by_email(
    submitted, reviewer, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = reviews.review_assign(
            application=submitted, reviewer=reviewer.user, actor=staff_user.user
        )
    assert list(selectors.reviews_of(reviewer.user)) == [review]
    assert [m.to for m in mail.outbox] == [["rita@example.org"]]
    assert "Kilonova hunting" in mail.outbox[0].body
    assert "/reviews/" in mail.outbox[0].body


def test_only_staff_assign(submitted, reviewer, outsider):
    with pytest.raises(ApplicationError, match="Only staff"):
        reviews.review_assign(application=submitted, reviewer=reviewer.user, actor=outsider.user)


def test_an_author_may_not_review(submitted, applicant, staff_user, make_persona):
    coi = make_persona("kim", email="ci-known@example.org")
    for person in (applicant, coi):
        with pytest.raises(ApplicationError, match="is an author") as refused:
            reviews.review_assign(
                application=submitted, reviewer=person.user, actor=staff_user.user
            )
        assert refused.value.field == "reviewer"


def test_a_reviewer_is_assigned_once(submitted, reviewer, staff_user):
    reviews.review_assign(application=submitted, reviewer=reviewer.user, actor=staff_user.user)
    with pytest.raises(ApplicationError, match="already reviews"):
        reviews.review_assign(application=submitted, reviewer=reviewer.user, actor=staff_user.user)
    assert Review.objects.count() == 1


def test_drafts_are_not_reviewed(draft, reviewer, staff_user):
    with pytest.raises(ApplicationError, match="Only submitted"):
        reviews.review_assign(application=draft, reviewer=reviewer.user, actor=staff_user.user)


def test_the_reviewer_records_a_grade_and_comments(submitted, reviewer, staff_user, outsider):
    review = reviews.review_assign(
        application=submitted, reviewer=reviewer.user, actor=staff_user.user
    )
    with pytest.raises(ApplicationError, match="someone else"):
        reviews.review_record(review=review, actor=outsider.user, grade=1, comments="")
    with pytest.raises(ApplicationError) as refused:
        reviews.review_record(review=review, actor=reviewer.user, grade=7, comments="")
    assert refused.value.field == "grade"
    graded = reviews.review_record(
        review=review, actor=reviewer.user, grade=2, comments="  Strong case.  "
    )
    assert (graded.grade, graded.comments, graded.graded is not None) == (2, "Strong case.", True)


def test_the_ranking_orders_by_mean_grade_with_ungraded_last(
    submitted, applicant, call, semester, reviewer, staff_user, make_persona
):
    other = second_application(applicant, call, semester, title="Better")
    third = second_application(applicant, call, semester, title="Unread")
    second_reviewer = make_persona("ravi")
    for application, grades in ((submitted, (3, 4)), (other, (1, 2))):
        for person, grade in zip((reviewer, second_reviewer), grades, strict=True):
            review = reviews.review_assign(
                application=application, reviewer=person.user, actor=staff_user.user
            )
            reviews.review_record(review=review, actor=person.user, grade=grade, comments="")
    reviews.review_assign(application=third, reviewer=reviewer.user, actor=staff_user.user)
    rows = selectors.call_ranking(call)
    assert [(r.position, r.application.title, r.mean_grade) for r in rows] == [
        (1, "Better", 1.5),
        (2, "Kilonova hunting", 3.5),
        (None, "Unread", None),
    ]
    assert [(r.reviews, r.graded) for r in rows] == [(2, 2), (2, 2), (1, 0)]
    assert rows[1].hours_requested == pytest.approx(42.0)


def test_accepting_into_a_proposal_allocates_time_and_emails_the_applicant(
    submitted, staff_user, django_capture_on_commit_callbacks
):
    first = submitted.timerequest_set.order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.application_accept_into_proposal(
            application=submitted,
            actor=staff_user.user,
            approved_timerequest_ids=[first.id],
            tac_rank=3,
            tac_priority=20,
        )
    assert proposal.id == "LCO2026B-003"
    allocation = TimeAllocation.objects.get(proposal=proposal)
    assert (allocation.std_allocation, allocation.instrument_types) == (30.0, [SINISTRO])
    assert Membership.objects.get(proposal=proposal, role=Membership.PI).user.username == "amy"
    assert ScienceApplication.objects.get(pk=submitted.pk).status == ScienceApplication.PORTED
    accepted = [m for m in mail.outbox if "is accepted" in m.subject]
    assert [m.to for m in accepted] == [["amy@example.org"]]
    assert "LCO2026B-003" in accepted[0].body
    assert "30 h standard" in accepted[0].body


def test_a_refused_port_leaves_the_application_submitted(
    submitted, staff_user, django_capture_on_commit_callbacks
):
    Proposal.objects.create(id="LCO2026B-003", title="Taken")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ApplicationError):
        services.application_accept_into_proposal(
            application=submitted, actor=staff_user.user, tac_rank=3
        )
    fresh = ScienceApplication.objects.get(pk=submitted.pk)
    assert fresh.status == ScienceApplication.SUBMITTED
    assert not fresh.timerequest_set.filter(approved=True).exists()
    assert not [m for m in mail.outbox if "accepted" in m.subject]


def test_rejecting_emails_the_applicant(submitted, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(application=submitted, actor=staff_user.user)
    rejected = [m for m in mail.outbox if "not accepted" in m.subject]
    assert [m.to for m in rejected] == [["amy@example.org"]]


def test_decided_applications_close_their_reviews(submitted, reviewer, staff_user):
    review = reviews.review_assign(
        application=submitted, reviewer=reviewer.user, actor=staff_user.user
    )
    services.application_reject(application=submitted, actor=staff_user.user)
    with pytest.raises(ApplicationError, match="review is closed"):
        reviews.review_record(review=review, actor=reviewer.user, grade=1, comments="")
    with pytest.raises(ApplicationError, match="reviews are kept"):
        reviews.review_unassign(review=review, actor=staff_user.user)


def test_application_for_reader_is_its_author_reviewer_or_staff(
    submitted, applicant, reviewer, staff_user, outsider
):
    reviews.review_assign(application=submitted, reviewer=reviewer.user, actor=staff_user.user)
    for person in (applicant, reviewer, staff_user):
        assert selectors.application_for_reader(person.user, submitted.pk) == submitted
    assert selectors.application_for_reader(outsider.user, submitted.pk) is None
