"""Where telescope states come from: a small interface and a registry of named providers.

``OCS_TELESCOPE_STATES_PROVIDER`` picks one: ``none`` (the default: every telescope AVAILABLE for
the whole range, portal-api.md §17.3) or ``database`` (the samples site agents ``POST`` to
``/api/telescope_states/``). Another source (an OpenSearch index, a site's own API…) plugs in
with :func:`register_provider`; it raises :class:`ProviderUnavailable` when it cannot answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from openocs.portal.telescopestates import conf
from openocs.portal.telescopestates.errors import ProviderUnavailable
from openocs.portal.telescopestates.selectors import samples_for_range
from openocs.portal.telescopestates.states import (
    AVAILABLE,
    AVAILABLE_REASON,
    StateInterval,
    intervals_from_samples,
)


class TelescopeStateProvider(Protocol):
    """A source of telescope states."""

    def states(
        self, *, telescopes: Sequence[str], start: datetime, end: datetime, now: datetime
    ) -> dict[str, list[StateInterval]]:
        """Intervals in time order covering [``start``, ``end``] for each telescope key
        (``site.enclosure.telescope``) it knows; raises :class:`ProviderUnavailable`."""
        ...


ProviderFactory = Callable[[], TelescopeStateProvider]
_PROVIDERS: dict[str, ProviderFactory] = {}


def register_provider(name: str, factory: ProviderFactory) -> None:
    """Make a provider available under ``name`` (replacing any earlier one)."""
    _PROVIDERS[name] = factory


def get_provider(name: str | None = None) -> TelescopeStateProvider:
    """The provider ``name`` (default: the configured one)."""
    chosen = conf.provider_name() if name is None else name
    factory = _PROVIDERS.get(chosen)
    if factory is None:
        raise ImproperlyConfigured(
            f"Unknown telescope-state provider {chosen!r}; known: {', '.join(sorted(_PROVIDERS))}"
        )
    return factory()


class NoStateProvider:
    """No state source: every telescope is AVAILABLE for the whole range."""

    def states(
        self, *, telescopes: Sequence[str], start: datetime, end: datetime, now: datetime
    ) -> dict[str, list[StateInterval]]:
        return {
            key: [StateInterval(key, AVAILABLE, AVAILABLE_REASON, start, end)] for key in telescopes
        }


class DatabaseStateProvider:
    """The samples the site software reported (``POST /api/telescope_states/``), with the
    stale-telemetry rule of :func:`~openocs.portal.telescopestates.states.intervals_from_samples`;
    a telescope that never reported is SITE_AGENT_UNRESPONSIVE."""

    def __init__(self, *, stale_after: timedelta | None = None) -> None:
        self.stale_after = stale_after or timedelta(seconds=conf.stale_after_s())

    def states(
        self, *, telescopes: Sequence[str], start: datetime, end: datetime, now: datetime
    ) -> dict[str, list[StateInterval]]:
        try:
            samples = samples_for_range(telescopes=telescopes, start=start, end=end)
        except DatabaseError as error:
            raise ProviderUnavailable(str(error), provider="database") from error
        return {
            key: intervals_from_samples(
                key,
                samples.get(key, []),
                start=start,
                end=end,
                now=now,
                stale_after=self.stale_after,
            )
            for key in telescopes
        }


register_provider("none", NoStateProvider)
register_provider("database", DatabaseStateProvider)
