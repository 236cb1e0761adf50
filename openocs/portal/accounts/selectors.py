"""Reads of the accounts app, including the proposal facts shown in ``GET /api/profile/``."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone
from rest_framework.settings import api_settings

from openocs.portal.proposals import selectors as proposal_selectors
from openocs.portal.proposals.models import Membership, ScienceCollaboration, TimeAllocation

# The DRF throttle scope whose history ``api_quota`` reports (set by the request-group views).
API_QUOTA_THROTTLE_SCOPE = "requestgroups.create"


def user_with_profile(*, pk: int) -> User:
    """The user with its profile joined (one query)."""
    user: User = get_user_model()._default_manager.select_related("profile").get(pk=pk)
    return user


def user_by_name_or_email(*, text: str) -> User | None:
    """The account a person names by its username or e-mail address (either case); the oldest
    when several share an e-mail address. None when nobody is called that."""
    from django.db.models import Q

    who = text.strip()
    if not who:
        return None
    found: User | None = (
        get_user_model()
        ._default_manager.filter(Q(username__iexact=who) | Q(email__iexact=who))
        .order_by("id")
        .first()
    )
    return found


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
    return proposal_selectors.user_is_pi(user)


def _current_semester_filter() -> dict[str, Any]:
    now = timezone.now()
    return {"semester__start__lte": now, "semester__end__gte": now}


def profile_proposals(
    *, user: User, include_current_time_allocations: bool = False
) -> list[dict[str, Any]]:
    """The user's proposals as ``{id, title, current}`` (spec §18.3), newest id first.

    ``current``: the proposal is active and has an allocation in a current or future semester.
    With ``include_current_time_allocations`` each entry adds the membership's ``time_limit``,
    ``time_used`` and the current semester's ``time_allocations``. Constant number of queries.
    """
    entries = proposal_selectors.user_proposals_for_profile(user)
    if not include_current_time_allocations:
        return entries
    memberships = {
        m.proposal_id: m for m in Membership.objects.filter(user=user).order_by("proposal_id")
    }
    proposal_ids = [entry["id"] for entry in entries]
    allocations: dict[str, list[dict[str, Any]]] = {pid: [] for pid in proposal_ids}
    current = TimeAllocation.objects.filter(
        proposal_id__in=proposal_ids, **_current_semester_filter()
    ).order_by("proposal_id", "id")
    for allocation in current:
        allocations[allocation.proposal_id].append(_allocation_data(allocation))
    time_used = _time_used_by_user(user=user, proposal_ids=proposal_ids)
    for entry in entries:
        entry["time_limit"] = memberships[entry["id"]].time_limit
        entry["time_used"] = time_used.get(entry["id"], 0.0)
        entry["time_allocations"] = allocations[entry["id"]]
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
    return proposal_selectors.user_available_instrument_types(user)


def proposal_notifications(*, user: User) -> list[str]:
    """Ids of the proposals the user opted in to request e-mails for, sorted."""
    return proposal_selectors.user_proposal_notification_ids(user)


def science_collaboration(*, user: User) -> dict[str, Any] | None:
    """The collaboration the user administers as ``{name, id, collaborationallocation_set}``.

    Collaboration allocations are not modelled (yet), so ``collaborationallocation_set`` is an
    empty list.
    """
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
