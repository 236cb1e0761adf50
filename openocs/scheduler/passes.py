"""One scheduling cycle: the rapid-response pass, then the normal + time-critical pass (§5.3–5.5).

``plan_cycle`` is pure: given the problem (all schedulable groups, telescopes, downtime, with
``start_s`` = the planning "now") and the observations currently on the telescopes, it returns
what to create, what to cancel and what to abort, pass by pass. Nothing is written here; the
daemon applies the plan.

- *Running* observations (contract §5.4): on each telescope a cut-off starts at ``start_s``; a
  PENDING or IN_PROGRESS observation straddling it pushes it to its end. Observations starting
  before the cut-off are running; the later PENDING ones are the replaceable *future* schedule.
- **Rapid-response pass**: only RAPID_RESPONSE groups; running RR observations are protected,
  running normal ones are not. A new RR observation cancels the future observations it overlaps
  and aborts a running normal observation it overlaps (``Request interrupted to observe request:
  <id>``); stale future RR observations are cancelled.
- **Normal pass**: NORMAL and TIME_CRITICAL groups; every running observation that is not aborted
  and all RR time of this cycle are protected. Future normal observations are replaced; running
  observations that cannot complete are aborted (``Can not complete successfully``).
- Unchanged placements are kept rather than cancelled and created again (§6.8 diff), so a new RR
  request touches nothing but what it preempts.
- **Stability**: the normal pass hands the kernel the placements of the future normal
  observations it may replace as ``Problem.incumbent`` (those starting before the planning start
  cannot be kept), and the kernels prefer keeping them (``Problem.stability_bonus``): a re-plan
  of an unchanged problem keeps its observations, and a change rewrites little more than what it
  displaces. The rapid-response pass has no incumbents: an RR observation that can now start
  earlier is moved there.
- **D26**: a pass whose solve failed cancels, aborts and creates nothing; the old schedule stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from openocs.scheduler.kernels import StopToken, solve
from openocs.scheduler.model import (
    Assignment,
    FixedObservation,
    Incumbent,
    ObservationType,
    Problem,
    Schedule,
)

__all__ = [
    "Abort",
    "CurrentObservation",
    "CyclePlan",
    "ObservationState",
    "PassPlan",
    "plan_cycle",
    "plan_normal_pass",
    "plan_rapid_response_pass",
    "split_running",
]


class ObservationState(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


@dataclass(frozen=True, slots=True)
class CurrentObservation:
    """An observation already in the portal (times relative to the problem epoch)."""

    id: int
    request_id: int
    telescope_key: str
    start_s: int
    end_s: int
    observation_type: ObservationType = ObservationType.NORMAL
    state: ObservationState = ObservationState.PENDING
    can_complete: bool = True
    """False when a configuration status of a running observation has FAILED."""

    @property
    def is_rapid_response(self) -> bool:
        return self.observation_type is ObservationType.RAPID_RESPONSE

    def overlaps(self, assignment: Assignment) -> bool:
        return (
            self.telescope_key == assignment.telescope_key
            and self.start_s < assignment.end_s
            and assignment.start_s < self.end_s
        )

    def same_placement(self, assignment: Assignment) -> bool:
        """The same request on the same telescope at the same time. Times read from the portal
        are rounded outwards to whole seconds of the new epoch (``current_from_schedule``), so
        an observation written by another cycle may span one second more than its duration:
        the assignment matches when it is the observation's inward-rounded placement."""
        return (
            self.request_id == assignment.request_id
            and self.telescope_key == assignment.telescope_key
            and self.incumbent_start_s(assignment.end_s - assignment.start_s) == assignment.start_s
        )

    def incumbent_start_s(self, duration_s: int) -> int | None:
        """The whole-second start at which an observation of ``duration_s`` seconds keeps this
        placement: ``start_s`` when the span is exactly the duration, ``start_s + 1`` when the
        span was rounded outwards by one second, else ``None`` (the duration changed)."""
        extra_s = self.end_s - self.start_s - duration_s
        return self.start_s + extra_s if extra_s in (0, 1) else None


@dataclass(frozen=True, slots=True)
class Abort:
    observation_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class PassPlan:
    """What one pass wants written."""

    name: str
    schedule: Schedule
    create: tuple[Assignment, ...] = ()
    cancel: tuple[int, ...] = ()
    """Ids of future observations to cancel."""
    abort: tuple[Abort, ...] = ()
    """Running observations to abort (cancel by id with preemption)."""
    keep: tuple[int, ...] = ()
    """Ids of existing observations the new plan keeps unchanged."""
    problem: Problem | None = field(default=None, compare=False, repr=False)
    """The problem the kernel solved (for ``explain``: why each request was left out)."""

    @property
    def ok(self) -> bool:
        return self.schedule.ok


@dataclass(frozen=True, slots=True)
class CyclePlan:
    rapid_response: PassPlan
    normal: PassPlan

    @property
    def ok(self) -> bool:
        return self.rapid_response.ok and self.normal.ok


def split_running(
    current: Sequence[CurrentObservation], now_s: int
) -> tuple[list[CurrentObservation], list[CurrentObservation]]:
    """``(running, future)`` per the cut-off rule of contract §5.4. Observations that ended
    before ``now_s`` and COMPLETED ones are neither."""
    running: list[CurrentObservation] = []
    future: list[CurrentObservation] = []
    by_telescope: dict[str, list[CurrentObservation]] = {}
    for observation in current:
        by_telescope.setdefault(observation.telescope_key, []).append(observation)
    for key in sorted(by_telescope):
        cutoff_s = now_s
        for observation in sorted(by_telescope[key], key=lambda o: (o.start_s, o.id)):
            if observation.state is ObservationState.COMPLETED or observation.end_s <= now_s:
                continue
            if observation.start_s < cutoff_s:
                running.append(observation)
                cutoff_s = max(cutoff_s, observation.end_s)
            elif observation.state is ObservationState.PENDING:
                future.append(observation)
    return running, future


def _on_known_telescopes(
    problem: Problem, fixed: Sequence[FixedObservation]
) -> tuple[FixedObservation, ...]:
    """The fixed time on telescopes of ``problem``: an observation running on a telescope the
    problem does not have (taken offline, removed from configdb) blocks nothing we place."""
    keys = {t.key for t in problem.telescopes}
    return tuple(f for f in fixed if f.telescope_key in keys)


def _fixed(observation: CurrentObservation) -> FixedObservation:
    return FixedObservation(
        telescope_key=observation.telescope_key,
        start_s=observation.start_s,
        end_s=observation.end_s,
        request_id=observation.request_id,
        observation_id=observation.id,
        observation_type=observation.observation_type,
        can_complete=observation.can_complete,
    )


def _incumbents(
    problem: Problem, observations: Sequence[CurrentObservation]
) -> tuple[Incumbent, ...]:
    """The placements of the future observations a pass may replace, for the kernel to keep
    (``Problem.incumbent``). An observation that would start before the planning start
    (``problem.start_s``) cannot be kept where it is, nor one whose request is not in the problem
    or whose duration no longer matches."""
    requests = problem.requests()
    result: list[Incumbent] = []
    seen: set[int] = set()
    for observation in sorted(observations, key=lambda o: (o.start_s, o.id)):
        found = requests.get(observation.request_id)
        if found is None or observation.request_id in seen:
            continue
        duration_s = found[0].duration_s
        start_s = observation.incumbent_start_s(duration_s)
        if start_s is None or start_s < problem.start_s:
            continue
        seen.add(observation.request_id)
        result.append(
            Incumbent(
                observation.request_id, observation.telescope_key, start_s, start_s + duration_s
            )
        )
    return tuple(result)


def _diff(
    schedule: Schedule, existing: Sequence[CurrentObservation]
) -> tuple[list[Assignment], list[int]]:
    """(assignments to create, ids of existing observations kept as they are)."""
    remaining = list(existing)
    create: list[Assignment] = []
    keep: list[int] = []
    for assignment in schedule.assignments:
        match = next((o for o in remaining if o.same_placement(assignment)), None)
        if match is None:
            create.append(assignment)
        else:
            keep.append(match.id)
            remaining.remove(match)
    return create, keep


def plan_rapid_response_pass(
    problem: Problem,
    current: Sequence[CurrentObservation],
    *,
    kernel: str = "cpsat",
    time_limit_s: float,
    seed: int = 0,
) -> PassPlan:
    """The rapid-response pass alone (see the module docstring). It gives the kernel no
    incumbents: a rapid-response observation should start as early as it can, so one that can
    now start earlier is moved there."""
    now_s = problem.start_s
    running, future = split_running(current, now_s)
    rr_groups = tuple(
        g for g in problem.groups if g.observation_type is ObservationType.RAPID_RESPONSE
    )
    rr_problem = replace(
        problem,
        groups=rr_groups,
        fixed=problem.fixed
        + _on_known_telescopes(problem, [_fixed(o) for o in running if o.is_rapid_response]),
    )
    schedule = solve(rr_problem, kernel=kernel, time_limit_s=time_limit_s, seed=seed)
    if not schedule.ok:
        return PassPlan("rapid_response", schedule, problem=rr_problem)
    future_rr = [o for o in future if o.is_rapid_response]
    create, keep = _diff(schedule, future_rr)
    cancelled = {o.id for o in future_rr if o.id not in keep}
    cancelled |= {
        o.id for o in future if not o.is_rapid_response and any(o.overlaps(a) for a in create)
    }
    aborts: list[Abort] = []
    for observation in running:
        if observation.is_rapid_response:
            continue
        preemptor = next((a for a in create if observation.overlaps(a)), None)
        if preemptor is not None:
            aborts.append(
                Abort(
                    observation.id,
                    f"Request interrupted to observe request: {preemptor.request_id}",
                )
            )
    return PassPlan(
        "rapid_response",
        schedule,
        tuple(create),
        tuple(sorted(cancelled)),
        tuple(aborts),
        tuple(keep),
        problem=rr_problem,
    )


def plan_normal_pass(
    problem: Problem,
    current: Sequence[CurrentObservation],
    rapid_response: PassPlan,
    *,
    kernel: str = "cpsat",
    time_limit_s: float,
    seed: int = 0,
    stop: StopToken | None = None,
    stability: bool = True,
) -> PassPlan:
    """The normal + time-critical pass, after ``rapid_response`` (see the module docstring).
    ``stop`` lets another thread abandon the solve (the pass then fails: nothing to write);
    ``stability=False`` solves without incumbents (for comparison)."""
    now_s = problem.start_s
    running, future = split_running(current, now_s)
    if rapid_response.ok:
        cancelled = set(rapid_response.cancel)
        rr_time = [
            FixedObservation(
                a.telescope_key,
                a.start_s,
                a.end_s,
                a.request_id,
                observation_type=ObservationType.RAPID_RESPONSE,
            )
            for a in rapid_response.schedule.assignments
        ]
    else:  # the RR pass wrote nothing: the existing RR observations stay and are protected
        cancelled = set()
        rr_time = [_fixed(o) for o in future if o.is_rapid_response]
    aborted = {a.observation_id for a in rapid_response.abort}
    still_running = [o for o in running if o.id not in aborted]
    normal_groups = tuple(
        g for g in problem.groups if g.observation_type is not ObservationType.RAPID_RESPONSE
    )
    future_normal = [o for o in future if not o.is_rapid_response and o.id not in cancelled]
    normal_problem = replace(
        problem,
        groups=normal_groups,
        fixed=problem.fixed
        + _on_known_telescopes(problem, [_fixed(o) for o in still_running] + rr_time),
    )
    if stability:
        normal_problem = replace(
            normal_problem, incumbent=_incumbents(normal_problem, future_normal)
        )
    schedule = solve(normal_problem, kernel=kernel, time_limit_s=time_limit_s, seed=seed, stop=stop)
    if not schedule.ok:
        return PassPlan("normal", schedule, problem=normal_problem)
    create, keep = _diff(schedule, future_normal)
    cancel = tuple(sorted(o.id for o in future_normal if o.id not in keep))
    abort = tuple(
        Abort(o.id, "Can not complete successfully: a configuration FAILED")
        for o in still_running
        if not o.can_complete
    )
    return PassPlan(
        "normal", schedule, tuple(create), cancel, abort, tuple(keep), problem=normal_problem
    )


def plan_cycle(
    problem: Problem,
    current: Sequence[CurrentObservation],
    *,
    kernel: str = "cpsat",
    time_limit_s: float,
    rapid_response_time_limit_s: float | None = None,
    seed: int = 0,
    stability: bool = True,
) -> CyclePlan:
    """Plan both passes of one cycle (see the module docstring)."""
    rapid_response = plan_rapid_response_pass(
        problem,
        current,
        kernel=kernel,
        time_limit_s=rapid_response_time_limit_s or time_limit_s,
        seed=seed,
    )
    normal = plan_normal_pass(
        problem,
        current,
        rapid_response,
        kernel=kernel,
        time_limit_s=time_limit_s,
        seed=seed,
        stability=stability,
    )
    return CyclePlan(rapid_response, normal)
