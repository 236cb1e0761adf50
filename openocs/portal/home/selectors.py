"""What the front page shows: the network and its states (public), a user's proposals and
recent request groups (signed in). Reads only: the same selectors and services as the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openocs.clients.errors import ClientError
from openocs.portal.proposals.models import Proposal, Semester, TimeAllocation
from openocs.portal.proposals.selectors import semester_containing
from openocs.portal.requestgroups.digest import telescope_class
from openocs.portal.requestgroups.models import RequestGroup
from openocs.portal.requestgroups.selectors import requestgroups_visible_to
from openocs.portal.telescopestates import services as telescope_states
from openocs.portal.telescopestates.errors import ProviderUnavailable


@dataclass
class TelescopeRow:
    key: str
    name: str
    telescope_class: str
    aperture_m: float
    instruments: list[str]
    state: str | None
    reason: str


@dataclass
class SiteRow:
    code: str
    name: str
    telescopes: list[TelescopeRow] = field(default_factory=list)


@dataclass
class NetworkOverview:
    sites: list[SiteRow]
    telescope_count: int
    instrument_types: list[str]
    available_count: int
    states_known: bool
    error: str = ""


def network_overview(*, now: datetime) -> NetworkOverview:
    """The active network from configdb (through the client) with each telescope's state now."""
    try:
        locations = telescope_states.telescope_locations()
    except ClientError:
        return NetworkOverview([], 0, [], 0, False, "The configuration database does not answer.")
    try:
        states = telescope_states.telescope_states_get(start=now, end=now, now=now)
        states_known = True
    except (ProviderUnavailable, ClientError):
        states, states_known = {}, False
    sites: dict[str, SiteRow] = {}
    instrument_types: set[str] = set()
    available = 0
    for location in locations:
        if not (location.site.active and location.enclosure.active and location.telescope.active):
            continue
        site = sites.setdefault(
            location.site.code,
            SiteRow(location.site.code, location.site.name or location.site.code),
        )
        intervals = states.get(location.key, [])
        state = intervals[-1].event_type if intervals else None
        available += state == "AVAILABLE"
        instruments = sorted(
            {
                i.instrument_type.name or i.instrument_type.code
                for i in location.telescope.instrument_set
                if i.state != "DISABLED"
            }
        )
        instrument_types.update(
            i.instrument_type.code
            for i in location.telescope.instrument_set
            if i.state != "DISABLED"
        )
        site.telescopes.append(
            TelescopeRow(
                key=location.key,
                name=location.telescope.name or location.telescope.code,
                telescope_class=telescope_class(location.telescope.aperture),
                aperture_m=location.telescope.aperture,
                instruments=instruments,
                state=state,
                reason=intervals[-1].event_reason if intervals else "",
            )
        )
    return NetworkOverview(
        sites=list(sites.values()),
        telescope_count=sum(len(site.telescopes) for site in sites.values()),
        instrument_types=sorted(instrument_types),
        available_count=available,
        states_known=states_known,
    )


def current_semester(*, now: datetime) -> Semester | None:
    return semester_containing(now)


@dataclass
class TimeCell:
    allocated_h: float
    used_h: float

    @property
    def left_h(self) -> float:
        return self.allocated_h - self.used_h

    @property
    def percent(self) -> float:
        if self.allocated_h <= 0:
            return 100.0 if self.used_h > 0 else 0.0
        return min(100.0, 100.0 * self.used_h / self.allocated_h)

    @property
    def over(self) -> bool:
        return self.used_h > self.allocated_h


@dataclass
class AllocationRow:
    semester: str
    instrument_types: list[str]
    cells: list[TimeCell | None]  # one per TIME_KINDS entry; None: nothing allocated nor used
    ipp_limit_h: float
    ipp_available_h: float


@dataclass
class ProposalCard:
    proposal: Proposal
    role: str
    current: list[AllocationRow]  # the current semester's allocations
    later: dict[str, int]  # semester id -> number of allocations in a coming semester
    chart: dict[str, Any]


TIME_KINDS: tuple[tuple[str, str, str], ...] = (
    ("Standard", "std_allocation", "std_time_used"),
    ("Rapid response", "rr_allocation", "rr_time_used"),
    ("Time critical", "tc_allocation", "tc_time_used"),
    ("Real time", "realtime_allocation", "realtime_time_used"),
)


def allocation_row(allocation: TimeAllocation) -> AllocationRow:
    cells: list[TimeCell | None] = []
    for _label, allocated_name, used_name in TIME_KINDS:
        cell = TimeCell(
            float(getattr(allocation, allocated_name)), float(getattr(allocation, used_name))
        )
        cells.append(cell if cell.allocated_h > 0 or cell.used_h > 0 else None)
    return AllocationRow(
        semester=allocation.semester_id,
        instrument_types=list(allocation.instrument_types),
        cells=cells,
        ipp_limit_h=allocation.ipp_limit,
        ipp_available_h=allocation.ipp_time_available,
    )


def allocation_chart(rows: list[AllocationRow]) -> dict[str, Any]:
    """Hours used and left of every kind of time, one stacked bar per allocation (Plotly)."""
    labels = [", ".join(row.instrument_types) for row in rows]
    used = [sum(c.used_h for c in row.cells if c) for row in rows]
    left = [sum(max(0.0, c.left_h) for c in row.cells if c) for row in rows]
    return {
        "data": [
            {"type": "bar", "orientation": "h", "name": "Used", "y": labels, "x": used,
             "marker": {"color": "#1f5fae"}, "hovertemplate": "%{x:.1f} h used<extra></extra>"},
            {"type": "bar", "orientation": "h", "name": "Left", "y": labels, "x": left,
             "marker": {"color": "#c9d8ec"}, "hovertemplate": "%{x:.1f} h left<extra></extra>"},
        ],
        "layout": {
            "barmode": "stack",
            "height": 90 + 26 * max(1, len(rows)),
            "margin": {"l": 8, "r": 16, "t": 28, "b": 36},
            "xaxis": {"title": {"text": "hours"}, "rangemode": "tozero"},
            "yaxis": {"automargin": True, "autorange": "reversed"},
            "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        },
    }  # fmt: skip


def proposal_cards(*, user: Any, now: datetime) -> list[ProposalCard]:
    """The user's active proposals: this semester's allocations, and how many come later."""
    memberships = list(
        user.membership_set.select_related("proposal")
        .filter(proposal__active=True)
        .order_by("proposal_id")
    )
    proposal_ids = [m.proposal_id for m in memberships]
    current: dict[str, list[AllocationRow]] = {pid: [] for pid in proposal_ids}
    later: dict[str, dict[str, int]] = {pid: {} for pid in proposal_ids}
    allocations = TimeAllocation.objects.filter(
        proposal_id__in=proposal_ids, semester__end__gte=now
    ).select_related("semester")
    for allocation in allocations.order_by("semester__start", "id"):
        if allocation.semester.start <= now:
            current[allocation.proposal_id].append(allocation_row(allocation))
        else:
            counts = later[allocation.proposal_id]
            counts[allocation.semester_id] = counts.get(allocation.semester_id, 0) + 1
    return [
        ProposalCard(
            proposal=m.proposal,
            role=m.get_role_display(),
            current=current[m.proposal_id],
            later=later[m.proposal_id],
            chart=allocation_chart(current[m.proposal_id]),
        )
        for m in memberships
    ]


def recent_requestgroups(*, user: Any, limit: int = 8) -> list[RequestGroup]:
    """The newest request groups the user may see (the API's visibility rule)."""
    return list(
        requestgroups_visible_to(user)
        .select_related("submitter", "proposal")
        .order_by("-created")[:limit]
    )
