"""An in-memory ``SchedulerDataSource`` for the daemon tests (our own boundary, faked on purpose:
the HTTP implementation is tested where it is written), with an optional change-event feed."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from openocs.scheduler.daemon import ChangeNotice, DaemonConfig, SchedulerDaemon
from openocs.scheduler.errors import DataSourceUnavailable
from openocs.scheduler.model import (
    Assignment,
    Downtime,
    ObservationType,
    RequestGroup,
    Telescope,
)
from openocs.scheduler.passes import CurrentObservation
from openocs.scheduler.tests.factories import HOUR, telescope

NOW = datetime(2030, 1, 1, 0, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class MemorySource:
    """An in-memory portal + configdb + downtime service."""

    groups: list[RequestGroup] = field(default_factory=list)
    night: tuple[tuple[int, int], ...] = ((0, 10 * HOUR),)
    changed: datetime = NOW - timedelta(days=1)
    observations: dict[int, CurrentObservation] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)
    downtime_list: list[Downtime] = field(default_factory=list)
    cancel_calls: list[tuple[tuple[int, ...], bool, str]] = field(default_factory=list)
    create_calls: int = 0
    created: list[Assignment] = field(default_factory=list)
    next_id: int = 1

    def _check(self, service: str) -> None:
        if service in self.down:
            raise DataSourceUnavailable(service, "connection refused")

    def last_changed(self) -> datetime:
        self._check("portal")
        return self.changed

    def telescopes(self, *, epoch: datetime, end: datetime) -> Sequence[Telescope]:
        self._check("configdb")
        return [telescope()]

    def downtimes(self, *, epoch: datetime, end: datetime) -> Sequence[Downtime]:
        self._check("downtime")
        return list(self.downtime_list)

    def schedulable_groups(self, *, epoch: datetime, end: datetime) -> Sequence[RequestGroup]:
        self._check("portal")
        return list(self.groups)

    def current_observations(
        self, *, epoch: datetime, end: datetime
    ) -> Sequence[CurrentObservation]:
        self._check("portal")
        return list(self.observations.values())

    def _type_of(self, request_id: int) -> ObservationType:
        for group in self.groups:
            if any(r.id == request_id for r in group.requests):
                return group.observation_type
        return ObservationType.NORMAL

    def create_observations(self, assignments: Sequence[Assignment], *, epoch: datetime) -> int:
        self._check("portal-write")
        self.create_calls += 1
        for a in assignments:
            self.observations[self.next_id] = CurrentObservation(
                self.next_id,
                a.request_id,
                a.telescope_key,
                a.start_s,
                a.end_s,
                observation_type=self._type_of(a.request_id),
            )
            self.created.append(a)
            self.next_id += 1
        return len(assignments)

    def cancel_observations(
        self, observation_ids: Sequence[int], *, preemption: bool, reason: str = ""
    ) -> int:
        self._check("portal-write")
        self.cancel_calls.append((tuple(observation_ids), preemption, reason))
        for obs_id in observation_ids:
            self.observations.pop(obs_id, None)
        return len(observation_ids)


@dataclass
class NotifyingSource(MemorySource):
    """A ``MemorySource`` that is also a ``ChangeNotifier``: each wait asks ``on_wait`` (given the
    timeout) for a notice. Waiting really pauses for a moment when there is no notice, as a long
    poll would, so that a daemon waiting beside a solving worker does not spin. The change feed
    is down with the portal, or alone (``"changes"`` in ``down``)."""

    on_wait: Callable[[float], ChangeNotice | None] = lambda _timeout_s: None
    waits: list[float] = field(default_factory=list)

    def wait_for_change(self, timeout_s: float) -> ChangeNotice | None:
        self.waits.append(timeout_s)
        self._check("portal")
        self._check("changes")
        notice = self.on_wait(timeout_s)
        if notice is None and timeout_s > 0:
            time.sleep(min(timeout_s, 0.005))
        return notice


def daemon_for(source: MemorySource, **config: object) -> tuple[SchedulerDaemon, list[float]]:
    slept: list[float] = []
    defaults: dict[str, object] = {
        "time_limit_s": 5.0,
        "rapid_response_time_limit_s": 5.0,
        "horizon_s": 86400,
        "initial_pass_estimate_s": 0.0,
        "initial_rapid_response_estimate_s": 0.0,
    }
    defaults.update(config)
    daemon = SchedulerDaemon(
        source,
        config=DaemonConfig(**defaults),  # type: ignore[arg-type]
        clock=Clock(),
        sleep=slept.append,
    )
    return daemon, slept
