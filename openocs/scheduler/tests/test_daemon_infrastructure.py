"""A telescope failing between cycles (a new downtime, a changed configdb) triggers a replan
without waiting for the periodic one (issue 8: "keeps it current as … telescopes fail")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from openocs.scheduler.daemon import InfrastructureWatcher
from openocs.scheduler.model import Downtime
from openocs.scheduler.tests.factories import HOUR, group, request
from openocs.scheduler.tests.memory import Clock, MemorySource, daemon_for


@dataclass
class WatchedSource(MemorySource):
    """The in-memory source with the optional fingerprint of telescopes and downtime."""

    configdb_version: int = 1
    fingerprints: int = 0

    def infrastructure_fingerprint(self) -> str:
        self._check("configdb")
        self._check("downtime")
        self.fingerprints += 1
        return repr((self.configdb_version, sorted(self.downtime_list, key=repr)))


def _advance(clock: object, minutes: float) -> None:
    assert isinstance(clock, Clock)
    clock.now += timedelta(minutes=minutes)


def test_a_new_downtime_moves_the_observation_at_the_next_check() -> None:
    source = WatchedSource(groups=[group(request(duration_h=1, windows=((0, 24),)))])
    assert isinstance(source, InfrastructureWatcher)
    daemon, _ = daemon_for(source)
    daemon.run(max_cycles=1)
    (first,) = source.observations.values()
    assert first.start_s < 5 * HOUR
    _advance(daemon.clock, 2)
    assert daemon.should_plan() == (False, "nothing changed")
    source.downtime_list.append(Downtime("1m0a.doma.lsc", 0, 5 * HOUR, reason="Enclosure fault"))
    assert daemon.should_plan() == (False, "nothing changed")  # checked less than a minute ago
    _advance(daemon.clock, 1)
    assert daemon.should_plan() == (True, "telescopes or downtime changed")
    daemon.run(max_cycles=1)
    assert daemon.state.history[-1].reason == "telescopes or downtime changed"
    (moved,) = source.observations.values()
    assert moved.id != first.id
    assert moved.start_s >= 5 * HOUR  # out of the new downtime


def test_a_configdb_change_triggers_a_replan_and_an_outage_does_not() -> None:
    source = WatchedSource(groups=[group(request(duration_h=1))])
    daemon, _ = daemon_for(source, infrastructure_check_s=0.0)
    daemon.run(max_cycles=1)
    assert daemon.should_plan() == (False, "nothing changed")
    source.down.add("downtime")
    assert daemon.should_plan() == (False, "nothing changed")  # last good copies stay in use
    source.down.clear()
    source.configdb_version = 2  # e.g. an instrument no longer SCHEDULABLE
    assert daemon.should_plan() == (True, "telescopes or downtime changed")


def test_a_source_without_fingerprint_is_not_checked() -> None:
    source = MemorySource(groups=[group(request(duration_h=1))])
    daemon, _ = daemon_for(source, infrastructure_check_s=0.0)
    daemon.run(max_cycles=1)
    source.downtime_list.append(Downtime("1m0a.doma.lsc", 0, 5 * HOUR))
    assert daemon.should_plan() == (False, "nothing changed")
