"""Reads of the accounts app, including the proposal facts shown in ``GET /api/profile/``."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone
from rest_framework.settings import api_settings

PROPOSALS_APP = "openocs.portal.proposals"
# The DRF throttle scope whose history ``api_quota`` reports (set by the request-group views).
API_QUOTA_THROTTLE_SCOPE = "requestgroups.create"


def proposals_installed() -> bool:
    """Whether the proposals app (memberships, allocations, invitations) is installed."""
    return django_apps.is_installed(PROPOSALS_APP)


def proposals_hook(name: str) -> Callable[..., Any] | None:
    """A service function of the proposals app by name, or None when it does not provide it."""
    if not proposals_installed():
        return None
    try:
        module = import_module(f"{PROPOSALS_APP}.services")
    except ModuleNotFoundError:
        return None
    function = getattr(module, name, None)
    return function if callable(function) else None


def user_with_profile(*, pk: int) -> User:
    """The user with its profile joined (one query)."""
    user: User = get_user_model()._default_manager.select_related("profile").get(pk=pk)
    return user


def staff_emails() -> list[str]:
    """The e-mail addresses of active staff users, sorted."""
    users = get_user_model()._default_manager
    return sorted(
        set(
            users.filter(is_staff=True, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def user_is_pi_of_any_proposal(*, user: User) -> bool:
    """Whether the user holds a PI membership on at least one proposal."""
    if not proposals_installed():
        return False
    from openocs.portal.proposals.models import Membership

    return Membership.objects.filter(user=user, role=Membership.PI).exists()


def _current_semester_filter() -> dict[str, Any]:
    now = timezone.now()
    return {"semester__start__lte": now, "semester__end__gte": now}


def profile_proposals(
    *, user: User, include_current_time_allocations: bool = False
) -> list[dict[str, Any]]:
    """The user's proposals as ``{id, title, current}`` (spec §18.3), ordered by id.

    ``current``: the proposal is active and has an allocation in a current or future semester.
    With ``include_current_time_allocations`` each entry adds the membership's ``time_limit``,
    ``time_used`` and the current semester's ``time_allocations``. Constant number of queries.
    """
    if not proposals_installed():
        return []
    from openocs.portal.proposals.models import Membership, TimeAllocation

    now = timezone.now()
    memberships = (
        Membership.objects.filter(user=user).select_related("proposal").order_by("proposal_id")
    )
    proposal_ids = [m.proposal_id for m in memberships]
    with_future_allocation = set(
        TimeAllocation.objects.filter(proposal_id__in=proposal_ids, semester__end__gte=now)
        .values_list("proposal_id", flat=True)
        .distinct()
    )
    entries: list[dict[str, Any]] = [
        {
            "id": m.proposal_id,
            "title": m.proposal.title,
            "current": m.proposal.active and m.proposal_id in with_future_allocation,
        }
        for m in memberships
    ]
    if not include_current_time_allocations:
        return entries
    allocations: dict[str, list[dict[str, Any]]] = {pid: [] for pid in proposal_ids}
    current = TimeAllocation.objects.filter(
        proposal_id__in=proposal_ids, **_current_semester_filter()
    ).order_by("proposal_id", "id")
    for allocation in current:
        allocations[allocation.proposal_id].append(_allocation_data(allocation))
    time_used = _time_used_by_user(user=user, proposal_ids=proposal_ids)
    for entry, membership in zip(entries, memberships, strict=True):
        entry["time_limit"] = membership.time_limit
        entry["time_used"] = time_used.get(membership.proposal_id, 0.0)
        entry["time_allocations"] = allocations[membership.proposal_id]
    return entries


_ALLOCATION_FIELDS = (
    "instrument_types",
    "std_allocation",
    "std_time_used",
    "rr_allocation",
    "rr_time_used",
    "tc_allocation",
    "tc_time_used",
    "realtime_allocation",
    "realtime_time_used",
    "ipp_limit",
    "ipp_time_available",
)


def _allocation_data(allocation: Any) -> dict[str, Any]:
    return {name: getattr(allocation, name) for name in _ALLOCATION_FIELDS}


def _time_used_by_user(*, user: User, proposal_ids: list[str]) -> dict[str, float]:
    """Seconds the user's pending and completed requests take, per proposal (spec §4.5 item 5).

    Requests belong to the request-groups app; its selector
    ``openocs.portal.requestgroups.selectors.time_used_by_user(user=, proposal_ids=)`` is used
    when that app is installed. Without it no request exists, so the time used is 0 s.
    """
    if not django_apps.is_installed("openocs.portal.requestgroups"):
        return {}
    try:
        module = import_module("openocs.portal.requestgroups.selectors")
    except ModuleNotFoundError:
        return {}
    function = getattr(module, "time_used_by_user", None)
    if function is None:
        return {}
    result: dict[str, float] = function(user=user, proposal_ids=proposal_ids)
    return result


def available_instrument_types(*, user: User) -> list[str]:
    """Union of the instrument types of every allocation of the user's active proposals, sorted."""
    if not proposals_installed():
        return []
    from openocs.portal.proposals.models import TimeAllocation

    types: set[str] = set()
    for instrument_types in TimeAllocation.objects.filter(
        proposal__membership__user=user, proposal__active=True
    ).values_list("instrument_types", flat=True):
        types.update(instrument_types or [])
    return sorted(types)


def proposal_notifications(*, user: User) -> list[str]:
    """Ids of the proposals the user opted in to request e-mails for, sorted."""
    if not proposals_installed():
        return []
    from openocs.portal.proposals.models import ProposalNotification

    return list(
        ProposalNotification.objects.filter(user=user)
        .order_by("proposal_id")
        .values_list("proposal_id", flat=True)
    )


def science_collaboration(*, user: User) -> dict[str, Any] | None:
    """The collaboration the user administers as ``{name, id, collaborationallocation_set}``."""
    if not proposals_installed():
        return None
    from openocs.portal.proposals.models import ScienceCollaboration

    collaboration = ScienceCollaboration.objects.filter(admin=user).order_by("id").first()
    if collaboration is None:
        return None
    return {"name": collaboration.name, "id": collaboration.id, "collaborationallocation_set": []}


def api_quota(*, user: User) -> dict[str, Any]:
    """Request-group submissions counted by the create throttle, and the allowance.

    ``used`` is the number of entries in the throttle history of the user (DRF's cache key
    ``throttle_<scope>_<user id>``); ``allowed`` is the number of the configured rate, or
    ``"unlimited"`` when no rate is configured for the scope.
    """
    rates: dict[str, Any] = dict(api_settings.DEFAULT_THROTTLE_RATES or {})
    rate = rates.get(API_QUOTA_THROTTLE_SCOPE)
    history = cache.get(f"throttle_{API_QUOTA_THROTTLE_SCOPE}_{user.pk}") or []
    allowed: int | str = int(str(rate).split("/")[0]) if rate else "unlimited"
    return {"used": len(history), "allowed": allowed}
