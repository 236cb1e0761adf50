"""Reads of proposals, semesters, memberships and invitations, scoped to the caller.

Other portal apps (accounts' profile, request groups) read proposals through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from importlib import import_module
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from openocs.portal.proposals.models import (
    Membership,
    Proposal,
    ProposalInvite,
    ProposalNotification,
    Semester,
    TimeAllocation,
)


def is_staff_view(user: Any) -> bool:
    """Staff whose profile asks to see every object (spec §1.1)."""
    if not (user and user.is_authenticated and user.is_staff):
        return False
    profile = getattr(user, "profile", None)
    return bool(getattr(profile, "staff_view", False))


def _user_relations() -> list[str]:
    """``user`` plus ``user__profile`` when the accounts app gives users a profile."""
    user_model = get_user_model()
    return ["user", "user__profile"] if hasattr(user_model, "profile") else ["user"]


def proposals_visible_to(user: Any) -> QuerySet[Proposal]:
    """The caller's proposals; every proposal for staff with ``staff_view`` (spec §19.1)."""
    if is_staff_view(user):
        return Proposal.objects.all()
    if not (user and user.is_authenticated):
        return Proposal.objects.none()
    return Proposal.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("proposal_id")
    )


def _requestgroup_accessor() -> str | None:
    """The reverse accessor of a ``RequestGroup`` model pointing at proposals, if installed."""
    for relation in Proposal._meta.related_objects:
        if relation.related_model.__name__ == "RequestGroup" and relation.one_to_many:
            return relation.get_accessor_name()
    return None


def proposal_list_queryset(user: Any) -> QuerySet[Proposal]:
    """Visible proposals with everything the list shape needs in a fixed number of queries."""
    memberships = Membership.objects.select_related(*_user_relations()).order_by("role", "id")
    queryset = proposals_visible_to(user).prefetch_related(
        "tags",
        Prefetch("membership_set", queryset=memberships),
        Prefetch(
            "timeallocation_set", queryset=TimeAllocation.objects.order_by("semester_id", "id")
        ),
    )
    accessor = _requestgroup_accessor()
    if accessor:
        query_name = next(
            r.name for r in Proposal._meta.related_objects if r.get_accessor_name() == accessor
        )
        queryset = queryset.annotate(requestgroup_count=Count(query_name, distinct=True))
    return queryset.order_by("-id")


def proposal_tags_visible_to(user: Any) -> list[str]:
    """Distinct tags of the caller's visible proposals, sorted."""
    names = (
        proposals_visible_to(user)
        .filter(tags__isnull=False)
        .values_list("tags__name", flat=True)
        .distinct()
    )
    return sorted(set(names))


def user_is_member(user: Any, proposal: Proposal) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(user=user, proposal=proposal).exists()
    )


def user_is_pi(user: Any, proposal: Proposal | None = None) -> bool:
    """PI of ``proposal``, or of any proposal when ``proposal`` is None (bulk user creation)."""
    if not (user and user.is_authenticated):
        return False
    memberships = Membership.objects.filter(user=user, role=Membership.PI)
    if proposal is not None:
        memberships = memberships.filter(proposal=proposal)
    return memberships.exists()


def semester_containing(moment: datetime) -> Semester | None:
    """The semester whose ``start ≤ moment ≤ end`` (the earliest-starting one if several)."""
    return Semester.objects.filter(start__lte=moment, end__gte=moment).order_by("start").first()


def user_proposals_for_profile(user: Any, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """``[{id, title, current}]`` for the profile (spec §18.3): every proposal of the user.

    ``current``: the proposal is active and has an allocation in a semester that has not ended.
    """
    moment = now or timezone.now()
    proposals = (
        Proposal.objects.filter(membership__user=user)
        .annotate(
            live_allocations=Count(
                "timeallocation", filter=Q(timeallocation__semester__end__gte=moment)
            )
        )
        .order_by("-id")
    )
    return [
        {"id": p.id, "title": p.title, "current": bool(p.active and p.live_allocations)}
        for p in proposals
    ]


def user_available_instrument_types(user: Any) -> list[str]:
    """Union of the instrument types of every allocation of the user's active proposals."""
    types: set[str] = set()
    lists = TimeAllocation.objects.filter(
        proposal__active=True, proposal__membership__user=user
    ).values_list("instrument_types", flat=True)
    for instrument_types in lists:
        types.update(instrument_types)
    return sorted(types)


def user_proposal_notification_ids(user: Any) -> list[str]:
    """Ids of the proposals the user opted in to for request e-mails (spec §19.2)."""
    return list(
        ProposalNotification.objects.filter(user=user)
        .order_by("proposal_id")
        .values_list("proposal_id", flat=True)
    )


def memberships_visible_to(user: Any) -> QuerySet[Membership]:
    """Own memberships, every membership of proposals the user leads, PIs of own proposals."""
    queryset = Membership.objects.select_related(*_user_relations())
    if is_staff_view(user):
        return queryset.order_by("proposal_id", "id")
    if not (user and user.is_authenticated):
        return queryset.none()
    led = Membership.objects.filter(user=user, role=Membership.PI).values("proposal_id")
    mine = Membership.objects.filter(user=user).values("proposal_id")
    return queryset.filter(
        Q(user=user) | Q(proposal_id__in=led) | Q(proposal_id__in=mine, role=Membership.PI)
    ).order_by("proposal_id", "id")


def invitations_visible_to(user: Any) -> QuerySet[ProposalInvite]:
    """Invitations of proposals where the caller is PI (staff_view: all)."""
    if is_staff_view(user):
        return ProposalInvite.objects.order_by("-id")
    if not (user and user.is_authenticated):
        return ProposalInvite.objects.none()
    led = Membership.objects.filter(user=user, role=Membership.PI).values("proposal_id")
    return ProposalInvite.objects.filter(proposal_id__in=led).order_by("-id")


def semester_proposals(semester: Semester) -> list[dict[str, Any]]:
    """Active science proposals with an allocation in ``semester`` (spec §19.6), in 4 queries."""
    allocations = TimeAllocation.objects.filter(semester=semester).order_by("id")
    pis = Membership.objects.filter(role=Membership.PI).select_related(*_user_relations())
    proposals = (
        Proposal.objects.filter(active=True, non_science=False, timeallocation__semester=semester)
        .distinct()
        .select_related("sca")
        .prefetch_related(
            Prefetch("timeallocation_set", queryset=allocations, to_attr="semester_allocations"),
            Prefetch("membership_set", queryset=pis, to_attr="pi_memberships"),
        )
        .order_by("sca__name", "id")
    )
    semester_ids = dict(
        _semesters_by_proposal(TimeAllocation.objects.filter(proposal__in=proposals))
    )
    result = []
    for proposal in proposals:
        allocation: dict[str, dict[str, float]] = {}
        for a in proposal.semester_allocations:
            allocation[",".join(a.instrument_types)] = {
                "std": a.std_allocation,
                "rr": a.rr_allocation,
                "tc": a.tc_allocation,
                "realtime": a.realtime_allocation,
            }
        result.append(
            {
                "id": proposal.id,
                "title": proposal.title,
                "abstract": proposal.abstract,
                "allocation": allocation,
                "pis": [
                    {
                        "first_name": m.user.first_name,
                        "last_name": m.user.last_name,
                        "institution": _institution(m.user),
                    }
                    for m in proposal.pi_memberships
                ],
                "sca_id": proposal.sca_id or "",
                "sca_name": proposal.sca.name if proposal.sca else "",
                "semesters": semester_ids.get(proposal.id, []),
            }
        )
    return result


def _semesters_by_proposal(allocations: QuerySet[TimeAllocation]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    pairs = allocations.values_list("proposal_id", "semester_id").distinct()
    for proposal_id, semester_id in pairs.order_by("proposal_id", "-semester__start"):
        ids = found.setdefault(proposal_id, [])
        if semester_id not in ids:
            ids.append(semester_id)
    return found


def _institution(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return str(getattr(profile, "institution", "") or "")


def semester_timeallocations(semester: Semester) -> QuerySet[TimeAllocation]:
    """Allocations of ``semester`` with their proposal, tags, PIs and member count (staff)."""
    pis = Membership.objects.filter(role=Membership.PI).select_related("user")
    return (
        TimeAllocation.objects.filter(semester=semester)
        .select_related("proposal")
        .prefetch_related(
            "proposal__tags",
            Prefetch("proposal__membership_set", queryset=pis, to_attr="pi_memberships"),
        )
        .annotate(num_users=Count("proposal__membership", distinct=True))
        .order_by("proposal_id", "id")
    )


def membership_time_used_s(memberships: Sequence[Membership]) -> dict[tuple[int, str], float]:
    """Seconds each member's pending and completed requests take, per (user id, proposal id).

    Requests belong to the request-groups app. Its batch selector ``time_used_by_users(pairs=)``
    (a list of (user, proposal ids), returning ``{(user id, proposal id): seconds}``) is used
    when it exists — one query whatever the number of members; otherwise ``time_used_by_user(
    user=, proposal_ids=)`` is asked once per distinct user. Without the app no request exists
    and every member has used 0 s.
    """
    if not django_apps.is_installed("openocs.portal.requestgroups"):
        return {}
    try:
        module = import_module("openocs.portal.requestgroups.selectors")
    except ModuleNotFoundError:
        return {}
    by_user: dict[int, tuple[Any, list[str]]] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, (membership.user, []))[1].append(
            membership.proposal_id
        )
    batch = getattr(module, "time_used_by_users", None)
    if batch is not None:
        found = batch(pairs=list(by_user.values()))
        return {(int(u), str(p)): float(seconds) for (u, p), seconds in found.items()}
    function = getattr(module, "time_used_by_user", None)
    if function is None:
        return {}
    used: dict[tuple[int, str], float] = {}
    for user_id, (user, proposal_ids) in by_user.items():
        for proposal_id, seconds in function(user=user, proposal_ids=proposal_ids).items():
            used[(user_id, proposal_id)] = float(seconds)
    return used
