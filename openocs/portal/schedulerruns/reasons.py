"""The scheduler's reason codes in words (scheduler-contract.md §6.9; the codes of
``openocs.scheduler.explain.Reason``). An unknown code is shown as it is."""

from __future__ import annotations

LABELS: dict[str, str] = {
    "NOT_PENDING": "Not pending",
    "RUNNING": "Already running",
    "NO_WINDOW": "No window left",
    "NO_TELESCOPE": "No telescope with its instrument",
    "NOT_VISIBLE": "Not visible in its windows",
    "BLOCKED_BY_DOWNTIME": "Downtime",
    "BLOCKED_BY_RUNNING": "Time taken by running observations",
    "GROUP_IMPOSSIBLE": "Its group cannot be completed",
    "ONE_OF_CHOSEN": "Another of its one-of group chosen",
    "LOST_TO_HIGHER_PRIORITY": "Lost to higher priority",
    "NOT_SELECTED": "Not selected",
    "SOLVE_FAILED": "The solve failed",
}
"""A short label per code (tables)."""

SENTENCES: dict[str, str] = {
    "NOT_PENDING": "It was not pending when the scheduler ran.",
    "RUNNING": "It was already running.",
    "NO_WINDOW": "No window long enough remained inside the scheduler's planning horizon.",
    "NO_TELESCOPE": (
        "No telescope that is online at its location hosts its instrument (or every one of its "
        "instruments)."
    ),
    "NOT_VISIBLE": (
        "Its target is not visible long enough inside its windows (within its constraints) "
        "from any telescope with its instrument."
    ),
    "BLOCKED_BY_DOWNTIME": (
        "The time in which its target is visible is blocked by telescope downtime."
    ),
    "BLOCKED_BY_RUNNING": "The time it could use is taken by observations already running.",
    "GROUP_IMPOSSIBLE": (
        "Another request of its group, which must be observed all together, cannot be scheduled."
    ),
    "ONE_OF_CHOSEN": "Another request of its one-of group was scheduled instead.",
    "LOST_TO_HIGHER_PRIORITY": (
        "Its possible telescope time went to other requests of higher priority (or worth more "
        "together)."
    ),
    "NOT_SELECTED": (
        "It had free telescope time but was not selected in that run; it stays in the queue."
    ),
    "SOLVE_FAILED": "The scheduler's run failed; it tries again.",
}
"""What a code means, in a sentence for the request's owner (no other request named)."""


def reason_label(code: str) -> str:
    return LABELS.get(code, code.replace("_", " ").capitalize())


def reason_sentence(code: str) -> str:
    return SENTENCES.get(code, f"The scheduler left it out ({reason_label(code).lower()}).")
