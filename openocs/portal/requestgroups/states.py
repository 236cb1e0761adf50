"""The request and request-group state machine (``portal-api.md`` §8.1), in one place.

Every state change of a request or group goes through :func:`check_transition`; the group's
state is always derived from its children by :func:`group_state_from_children`.
"""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework import serializers

from openocs.portal.requestgroups.models import State

# new state -> the states it may be reached from
ALLOWED_FROM: dict[str, frozenset[str]] = {
    State.COMPLETED: frozenset(
        {State.PENDING, State.WINDOW_EXPIRED, State.CANCELED, State.FAILURE_LIMIT_REACHED}
    ),
    State.WINDOW_EXPIRED: frozenset({State.PENDING}),
    State.CANCELED: frozenset({State.PENDING}),
    State.FAILURE_LIMIT_REACHED: frozenset({State.PENDING}),
    State.PENDING: frozenset({State.COMPLETED}),
}

_SINGLE_PRIORITY = [
    State.WINDOW_EXPIRED,
    State.PENDING,
    State.COMPLETED,
    State.FAILURE_LIMIT_REACHED,
    State.CANCELED,
]
_MANY_PRIORITY = [
    State.PENDING,
    State.COMPLETED,
    State.WINDOW_EXPIRED,
    State.FAILURE_LIMIT_REACHED,
    State.CANCELED,
]


class TransitionError(serializers.ValidationError):
    """A state change the state machine does not allow."""

    def __init__(self, old: str, new: str, pk: int) -> None:
        self.message = f"Cannot transition from request state {old} to {new} for {pk}"
        super().__init__(self.message)
        self.old = old
        self.new = new
        self.pk = pk


def check_transition(old: str, new: str, pk: int) -> None:
    """Raise :class:`TransitionError` unless ``old`` → ``new`` is allowed."""
    if old not in ALLOWED_FROM.get(new, frozenset()):
        raise TransitionError(old, new, pk)


def group_state_from_children(operator: str, child_states: Iterable[str]) -> str:
    """The first state of the operator's priority list that any child has."""
    states = set(child_states)
    for state in _SINGLE_PRIORITY if operator == "SINGLE" else _MANY_PRIORITY:
        if state in states:
            return state
    return State.PENDING
