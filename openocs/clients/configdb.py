"""Client of the configuration database's nested ``GET sites/`` document (configdb-api.md §5).

:class:`ConfigDBClient` keeps one cached copy of the document: it revalidates it with
``If-None-Match`` at most every ``refresh_s`` seconds, keeps the last good copy while configdb
cannot be reached, and raises :class:`~openocs.clients.errors.ServiceUnavailableError` once that
copy is older than ``max_staleness_s`` (or when no copy was ever loaded). The models accept extra
fields, so a newer configdb does not break older consumers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openocs.clients.errors import ResponseFormatError, ServiceUnavailableError
from openocs.clients.http import DEFAULT_TIMEOUT_S, HttpClient

logger = logging.getLogger(__name__)

SITES_PATH = "sites/"


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class CameraType(_Model):
    id: int | None = None
    name: str = ""
    code: str = ""
    pscale: float = 0.0
    pixels_x: int = 0
    pixels_y: int = 0
    max_rois: int = 0
    size: str = ""


class OpticalElement(_Model):
    id: int | None = None
    name: str = ""
    code: str
    schedulable: bool = True


class OpticalElementGroup(_Model):
    id: int | None = None
    name: str = ""
    type: str
    optical_elements: list[OpticalElement] = Field(default_factory=list)
    element_change_overhead: float = 0.0
    default: str = ""


class Camera(_Model):
    id: int | None = None
    code: str = ""
    camera_type: CameraType | None = None
    orientation: float = 0.0
    optical_elements: dict[str, str] = Field(default_factory=dict)
    optical_element_groups: list[OpticalElementGroup] = Field(default_factory=list)
    host: str = ""


class Mode(_Model):
    id: int | None = None
    name: str = ""
    code: str
    overhead: float = 0.0
    schedulable: bool = True
    validation_schema: dict[str, Any] = Field(default_factory=dict)


class ModeType(_Model):
    id: int | None = None
    type: str
    modes: list[Mode] = Field(default_factory=list)
    default: str = ""


class ConfigurationType(_Model):
    name: str = ""
    code: str
    config_change_overhead: float = 0.0
    schedulable: bool = True
    force_acquisition_off: bool = False
    requires_optical_elements: bool = True
    validation_schema: dict[str, Any] = Field(default_factory=dict)


class InstrumentType(_Model):
    id: int | None = None
    name: str = ""
    code: str
    fixed_overhead_per_exposure: float = 0.0
    instrument_category: str | None = ""
    observation_front_padding: float = 0.0
    acquire_exposure_time: float = 0.0
    default_configuration_type: str | None = None
    mode_types: list[ModeType] = Field(default_factory=list)
    default_acceptability_threshold: float = 90.0
    config_front_padding: float = 0.0
    allow_self_guiding: bool = True
    configuration_types: list[ConfigurationType] = Field(default_factory=list)
    validation_schema: dict[str, Any] = Field(default_factory=dict)


class Instrument(_Model):
    id: int | None = None
    code: str
    state: str = ""
    telescope: str = ""
    autoguider_camera: Camera | None = None
    science_cameras: list[Camera] = Field(default_factory=list)
    instrument_type: InstrumentType
    display: str = Field("", alias="__str__")


class Telescope(_Model):
    id: int | None = None
    serial_number: str = ""
    name: str = ""
    code: str
    active: bool = True
    aperture: float = 0.0
    lat: float = 0.0
    long: float = 0.0
    slew_rate: float = 0.0
    minimum_slew_overhead: float = 0.0
    maximum_slew_overhead: float = 0.0
    instrument_change_overhead: float = 0.0
    enclosure: str = ""
    horizon: float = 0.0
    ha_limit_pos: float = 12.0
    ha_limit_neg: float = -12.0
    telescope_front_padding: float = 0.0
    zenith_blind_spot: float = 0.0
    instrument_set: list[Instrument] = Field(default_factory=list)
    display: str = Field("", alias="__str__")


class Enclosure(_Model):
    id: int | None = None
    name: str = ""
    code: str
    active: bool = True
    site: str = ""
    telescope_set: list[Telescope] = Field(default_factory=list)
    display: str = Field("", alias="__str__")


class Site(_Model):
    id: int | None = None
    name: str = ""
    code: str
    active: bool = True
    timezone: float | None = None
    restart: str | None = None
    tz: str = "UTC"
    lat: float = 0.0
    long: float = 0.0
    elevation: float = 0.0
    enclosure_set: list[Enclosure] = Field(default_factory=list)
    display: str = Field("", alias="__str__")


@dataclass(frozen=True)
class TelescopeLocation:
    """One telescope of the network, with the objects above it."""

    site: Site
    enclosure: Enclosure
    telescope: Telescope

    @property
    def key(self) -> str:
        """``site.enclosure.telescope`` (``coj.doma.1m0a``)."""
        return f"{self.site.code}.{self.enclosure.code}.{self.telescope.code}"

    @property
    def reversed_key(self) -> str:
        """``telescope.enclosure.site`` (``1m0a.doma.coj``)."""
        return f"{self.telescope.code}.{self.enclosure.code}.{self.site.code}"


class Network:
    """A parsed ``sites/`` document with the lookups consumers need."""

    def __init__(self, sites: list[Site]) -> None:
        self.sites = sites
        self.telescopes = [
            TelescopeLocation(site, enclosure, telescope)
            for site in sites
            for enclosure in site.enclosure_set
            for telescope in enclosure.telescope_set
        ]
        self._types_by_key: dict[str, set[str]] = {
            location.key: {i.instrument_type.code for i in location.telescope.instrument_set}
            for location in self.telescopes
        }

    @property
    def site_codes(self) -> set[str]:
        return {site.code for site in self.sites}

    @property
    def enclosure_codes(self) -> set[str]:
        return {location.enclosure.code for location in self.telescopes} | {
            enclosure.code for site in self.sites for enclosure in site.enclosure_set
        }

    @property
    def telescope_codes(self) -> set[str]:
        return {location.telescope.code for location in self.telescopes}

    @property
    def instrument_type_codes(self) -> set[str]:
        return set().union(*self._types_by_key.values()) if self._types_by_key else set()

    def telescope_keys(self) -> list[str]:
        """Every telescope as ``site.enclosure.telescope``, in document order."""
        return [location.key for location in self.telescopes]

    def instrument_types_by_telescope(self) -> dict[str, set[str]]:
        """Instrument-type codes on each telescope (any instrument state), by telescope key."""
        return {key: set(types) for key, types in self._types_by_key.items()}

    def is_valid_combination(
        self, site: str, enclosure: str, telescope: str, instrument_type: str = ""
    ) -> bool:
        """Whether the telescope exists at that place and, if given, hosts the instrument type."""
        types = self._types_by_key.get(f"{site}.{enclosure}.{telescope}")
        if types is None:
            return False
        return not instrument_type or instrument_type in types


class ConfigDBClient:
    """Reads configdb's ``sites/`` document through a revalidating, outage-tolerant cache.

    ``clock`` (seconds, monotonic) is injectable for tests. The client is thread-safe.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        refresh_s: float = 15 * 60.0,
        max_staleness_s: float = 24 * 3600.0,
        retry_after_failure_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = HttpClient(base_url, token=token, timeout_s=timeout_s, transport=transport)
        self.refresh_s = refresh_s
        self.max_staleness_s = max_staleness_s
        self.retry_after_failure_s = retry_after_failure_s
        self._clock = clock
        self._lock = threading.Lock()
        self._network: Network | None = None
        self._etag: str | None = None
        self._confirmed_at: float | None = None  # last time configdb confirmed our copy
        self._checked_at: float | None = None  # same, but cleared by invalidate()
        self._failed_at: float | None = None
        self._error = ""

    @property
    def base_url(self) -> str:
        return self.http.base_url

    def close(self) -> None:
        self.http.close()

    def invalidate(self) -> None:
        """Forget when the copy was last confirmed, so the next read revalidates it."""
        with self._lock:
            self._checked_at = None
            self._failed_at = None

    def network(self, *, max_age_s: float | None = None) -> Network:
        """The cached network, revalidated if older than ``max_age_s`` (default ``refresh_s``)."""
        max_age = self.refresh_s if max_age_s is None else max_age_s
        with self._lock:
            now = self._clock()
            if (
                self._network is not None
                and self._checked_at is not None
                and now - self._checked_at < max_age
            ):
                return self._network
            if self._failed_at is not None and now - self._failed_at < self.retry_after_failure_s:
                # Do not make every caller wait for another connection timeout.
                return self._stale_copy(now, reason=f"configdb failed recently: {self._error}")
            try:
                network = self._revalidate()
            except ServiceUnavailableError as error:
                self._failed_at = now
                self._error = str(error)
                if self._network is None:
                    raise
                logger.warning("configdb unreachable, using the cached document: %s", error)
                return self._stale_copy(now, reason=str(error))
            self._network = network
            self._confirmed_at = now
            self._checked_at = now
            self._failed_at = None
            return network

    def _stale_copy(self, now: float, *, reason: str) -> Network:
        network = self._network
        confirmed_at = self._confirmed_at
        if network is None or confirmed_at is None or now - confirmed_at > self.max_staleness_s:
            age = "never loaded" if confirmed_at is None else f"{now - confirmed_at:.0f} s old"
            raise ServiceUnavailableError(
                f"configdb unreachable and the cached document is {age} "
                f"(limit {self.max_staleness_s:.0f} s): {reason}",
                url=self.base_url + SITES_PATH,
            )
        return network

    def _revalidate(self) -> Network:
        result = self.http.get_conditional(SITES_PATH, etag=self._etag)
        if not result.modified and self._network is not None:
            return self._network
        if not result.modified:  # 304 without a copy: the server misbehaves, fetch again
            result = self.http.get_conditional(SITES_PATH, etag=None)
        raw_sites: list[Any] = []
        for page in self.http.pages_from(result.data, path=SITES_PATH):
            raw_sites.extend(page)
        try:
            sites = [Site.model_validate(raw) for raw in raw_sites]
        except ValidationError as error:
            raise ResponseFormatError(
                "configdb sites/ document has an unexpected shape",
                url=self.base_url + SITES_PATH,
                detail=str(error),
            ) from error
        self._etag = result.etag
        return Network(sites)

    def sites(self) -> list[Site]:
        """The sites of the network (typed nested document)."""
        return self.network().sites

    def telescope_keys(self) -> list[str]:
        """Every telescope as ``site.enclosure.telescope``."""
        return self.network().telescope_keys()

    def instrument_types_by_telescope(self) -> dict[str, set[str]]:
        """Instrument-type codes hosted by each telescope key."""
        return self.network().instrument_types_by_telescope()

    def is_valid_combination(
        self, site: str, enclosure: str, telescope: str, instrument_type: str = ""
    ) -> bool:
        """Whether (site, enclosure, telescope[, instrument_type]) exists in configdb."""
        return self.network().is_valid_combination(site, enclosure, telescope, instrument_type)
