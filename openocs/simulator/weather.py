"""A seeded weather and fault model: the same seed and inputs always give the same sky.

Every draw is a pure function of the seed and what it is about (a site's night, a telescope's
hour, a configuration status), hashed into a uniform number, so two simulators with one seed
agree, a restarted simulator sees the same weather, and tests need no clock or global random
state:

- a **cloudy night** closes every telescope of a site for its whole night (``DAY-OBS``): the
  site reports them ``NOT_OK_TO_OPEN`` and marks the configurations it was given
  ``NOT_ATTEMPTED``, so the scheduler re-places them elsewhere;
- a **cloudy spell** (``partly_cloudy_probability``) closes a site for part of a night (one to
  four hours, starting between 18 h and 4 h local mean time) that is not clouded out whole: the
  telescopes report ``NOT_OK_TO_OPEN`` during it, an observation due then is ``NOT_ATTEMPTED``
  and one running when it comes stops at the next exposure (``FAILED``), so the scheduler
  re-places the request in the clear part of the night or elsewhere;
- a telescope goes **unavailable** for an hour (``NOT_AVAILABLE``, a sequencer fault);
- a **configuration fails** part-way through (``FAILED`` with a reason): the request returns to
  the scheduler (FAILED → PENDING → re-placed).

``inject_failures`` fails the first *n* configurations whatever the probability (for tests and
demonstrations of the re-planning path).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

__all__ = ["FAULT_REASONS", "WeatherModel"]

FAULT_REASONS = (
    "Simulated fault: guiding lost",
    "Simulated fault: enclosure closed unexpectedly",
    "Simulated fault: instrument readout error",
    "Simulated fault: telescope tracking error",
)


def _check_probability(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")


@dataclass
class WeatherModel:
    """Seeded probabilities of a cloudy night (per site), a failed configuration and a telescope
    unavailable for an hour."""

    seed: int = 0
    cloudy_night_probability: float = 0.0
    cloudy_sites: dict[str, float] = field(default_factory=dict)
    partly_cloudy_probability: float = 0.0
    failure_probability: float = 0.0
    unavailable_probability: float = 0.0
    inject_failures: int = 0
    _injected: int = field(default=0, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        _check_probability("cloudy_night_probability", self.cloudy_night_probability)
        _check_probability("partly_cloudy_probability", self.partly_cloudy_probability)
        _check_probability("failure_probability", self.failure_probability)
        _check_probability("unavailable_probability", self.unavailable_probability)
        for site, value in self.cloudy_sites.items():
            _check_probability(f"cloudy night probability of {site}", value)
        if self.inject_failures < 0:
            raise ValueError(f"inject_failures must be ≥ 0, got {self.inject_failures}")

    def uniform(self, *about: object) -> float:
        """A number in [0, 1) determined by the seed and ``about``."""
        text = "|".join([str(self.seed), *(str(part) for part in about)])
        digest = hashlib.sha256(text.encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def is_cloudy(self, site: str, night: str) -> bool:
        """Whether ``site`` is clouded out for the night ``night`` (``YYYYMMDD``)."""
        probability = self.cloudy_sites.get(site, self.cloudy_night_probability)
        return self.uniform("cloudy", site, night) < probability

    def cloudy_spell(self, site: str, night: str) -> tuple[float, float] | None:
        """The cloudy spell of a night not clouded out whole: ``(start, end)`` in hours after
        local mean noon of ``night`` (``YYYYMMDD``), or None for a clear night."""
        if self.uniform("partly", site, night) >= self.partly_cloudy_probability:
            return None
        start = 6.0 + 10.0 * self.uniform("spell-start", site, night)
        return start, start + 1.0 + 3.0 * self.uniform("spell-length", site, night)

    def sky(self, site: str, moment: datetime, longitude_deg: float) -> str:
        """``"clear"``, ``"cloudy night"`` (clouded out whole) or ``"cloudy spell"`` at a site
        at ``moment``; the night is the local mean solar date at the noon before."""
        local = moment.astimezone(UTC) + timedelta(hours=longitude_deg / 15.0 - 12.0)
        night = local.strftime("%Y%m%d")
        if self.is_cloudy(site, night):
            return "cloudy night"
        spell = self.cloudy_spell(site, night)
        hours = local.hour + local.minute / 60.0 + local.second / 3600.0
        if spell is not None and spell[0] <= hours < spell[1]:
            return "cloudy spell"
        return "clear"

    def is_unavailable(self, telescope_key: str, moment: datetime) -> bool:
        """Whether the telescope has a fault during the UTC hour containing ``moment``."""
        hour = moment.astimezone(UTC).strftime("%Y%m%d%H")
        return self.uniform("unavailable", telescope_key, hour) < self.unavailable_probability

    def configuration_fault(self, status_id: int, exposure_count: int) -> tuple[int, str] | None:
        """Whether the configuration with status ``status_id`` fails: ``(exposures done before
        the fault, reason)``, or None. Injected failures come first (thread-safe)."""
        with self._lock:
            if self._injected < self.inject_failures:
                self._injected += 1
                return 0, "Simulated fault: injected failure"
        if self.uniform("fault", status_id) >= self.failure_probability:
            return None
        done = int(self.uniform("fault-at", status_id) * max(exposure_count, 1))
        reason = FAULT_REASONS[int(self.uniform("fault-reason", status_id) * len(FAULT_REASONS))]
        return done, reason
