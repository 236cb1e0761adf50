"""Demo data of the proposals app: semesters around today, a demo proposal, its allocations.

Called by the portal's ``load_demo()`` (``ocs loaddemo`` / ``ocs up``); idempotent.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from openocs.portal.proposals import accounting, services
from openocs.portal.proposals.models import Membership, Proposal, Semester, TimeAllocation

DEMO_PROPOSAL_ID = "DEMO-001"
# The instrument types of the demo network (openocs/configdb/demo/lco-network.json), with the
# hours each gets: standard, rapid response, time critical, real time.
DEMO_HOURS: dict[str, tuple[float, float, float, float]] = {
    "1M0-SCICAM-SINISTRO": (100.0, 10.0, 10.0, 5.0),
    "0M4-SCICAM-QHY600": (100.0, 10.0, 10.0, 5.0),
    "2M0-SCICAM-MUSCAT": (40.0, 5.0, 5.0, 2.0),
    "2M0-FLOYDS-SCICAM": (40.0, 5.0, 5.0, 0.0),
    "1M0-NRES-SCICAM": (20.0, 2.0, 2.0, 0.0),
    "2M0-SCICAM-SPECTRAL": (20.0, 2.0, 2.0, 0.0),
}


def semester_bounds(moment: datetime) -> tuple[str, datetime, datetime]:
    """The LCO-style semester containing ``moment``: A is 1 Feb–1 Aug, B is 1 Aug–1 Feb."""
    year = moment.year
    if moment.month == 1:
        return (
            f"{year - 1}B",
            datetime(year - 1, 8, 1, tzinfo=UTC),
            datetime(year, 2, 1, tzinfo=UTC),
        )
    if moment.month < 8:
        return f"{year}A", datetime(year, 2, 1, tzinfo=UTC), datetime(year, 8, 1, tzinfo=UTC)
    return f"{year}B", datetime(year, 8, 1, tzinfo=UTC), datetime(year + 1, 2, 1, tzinfo=UTC)


def _semester(moment: datetime) -> Semester:
    semester_id, start, end = semester_bounds(moment)
    existing = Semester.objects.filter(pk=semester_id).first()
    if existing is not None:
        return existing
    return services.semester_create(semester_id=semester_id, start=start, end=end)


@transaction.atomic
def load_proposals_demo(*, now: datetime | None = None) -> str:
    """Current and next semester, ``DEMO-001`` with alice (PI) and bob (CI), allocations."""
    moment = now or timezone.now()
    current = _semester(moment)
    following = _semester(current.end)
    proposal = Proposal.objects.filter(pk=DEMO_PROPOSAL_ID).first()
    if proposal is None:
        proposal = services.proposal_create(
            proposal_id=DEMO_PROPOSAL_ID,
            title="Demo: supernova and asteroid follow-up",
            abstract="A demonstration proposal with time on every instrument type of the network.",
            tac_priority=10,
            tac_rank=1,
            tags=["demo", "supernovae"],
        )
    users = get_user_model().objects
    members = []
    for username, role in (("alice", Membership.PI), ("bob", Membership.CI)):
        user = users.filter(username=username).first()
        if user is not None:
            if not Membership.objects.filter(proposal=proposal, user=user).exists():
                services.membership_add(proposal=proposal, user=user, role=role, notify=False)
            members.append(f"{username} ({role})")
    created = 0
    for semester in (current, following):
        existing = {
            t.upper()
            for a in TimeAllocation.objects.filter(proposal=proposal, semester=semester)
            for t in a.instrument_types
        }
        for instrument_type, (std, rr, tc, realtime) in DEMO_HOURS.items():
            if instrument_type.upper() in existing:
                continue
            accounting.allocation_create(
                proposal=proposal,
                semester=semester,
                instrument_types=[instrument_type],
                std_allocation=std,
                rr_allocation=rr,
                tc_allocation=tc,
                realtime_allocation=realtime,
                reason="demo data",
            )
            created += 1
    return (
        f"semesters {current.id} and {following.id}, proposal {proposal.id} with "
        f"{', '.join(members) or 'no members yet'}, {created} new allocations"
    )
