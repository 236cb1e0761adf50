"""Writes of the downtime database. The API, the admin and ``ocs downtime create`` all call these
functions, so a downtime is validated the same way whichever door it comes through.

Codes are checked against configdb's ``sites/`` document through :class:`ConfigDBClient` (never
configdb's models): the client's cached copy is used while it is fresh, revalidated once when a
code looks unknown (new telescopes are accepted without waiting for the refresh period), and
:class:`ConfigDBUnavailableError` is raised when configdb cannot be reached and no usable copy
exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction

from openocs.clients.configdb import ConfigDBClient, Network
from openocs.clients.errors import ResponseFormatError, ServiceUnavailableError
from openocs.downtime.errors import ConfigDBUnavailableError, DowntimeValidationError
from openocs.downtime.models import Downtime, DowntimeCategory

COMBINATION_MESSAGE = (
    "The site, enclosure, telescope, and instrument_type combination does not exist in Configdb"
)
END_BEFORE_START_MESSAGE = "End time must be after start time"
# A code unknown to a cached copy older than this triggers one revalidation before refusing.
REVALIDATE_UNKNOWN_AFTER_S = 60.0

EDITABLE_FIELDS = (
    "start",
    "end",
    "site",
    "enclosure",
    "telescope",
    "instrument_type",
    "reason",
    "category",
)


def _network(configdb: ConfigDBClient, *, max_age_s: float | None = None) -> Network:
    try:
        return configdb.network(max_age_s=max_age_s)
    except (ServiceUnavailableError, ResponseFormatError) as error:
        raise ConfigDBUnavailableError(str(error)) from error


def _code_errors(
    network: Network, *, site: str, enclosure: str, telescope: str, instrument_type: str
) -> dict[str, list[str]]:
    checks = [
        ("site", site, network.site_codes),
        ("enclosure", enclosure, network.enclosure_codes),
        ("telescope", telescope, network.telescope_codes),
    ]
    if instrument_type:
        checks.append(("instrument_type", instrument_type, network.instrument_type_codes))
    return {
        field: [f'"{value}" is not a valid choice.']
        for field, value, known in checks
        if value not in known
    }


def downtime_validate(
    *,
    start: datetime,
    end: datetime,
    site: str,
    enclosure: str,
    telescope: str,
    instrument_type: str = "",
    configdb: ConfigDBClient,
) -> None:
    """Raise :class:`DowntimeValidationError` with the API's messages (downtime-api.md §2.1).

    Field errors (unknown codes) come first; then ``end > start``; then the combination.
    """
    codes = {
        "site": site,
        "enclosure": enclosure,
        "telescope": telescope,
        "instrument_type": instrument_type,
    }
    network = _network(configdb)
    errors = _code_errors(network, **codes)
    if errors or not network.is_valid_combination(**codes):
        # The cached copy may predate a configdb change: look again (a cheap 304 usually).
        network = _network(configdb, max_age_s=REVALIDATE_UNKNOWN_AFTER_S)
        errors = _code_errors(network, **codes)
    if errors:
        raise DowntimeValidationError(errors)
    if end <= start:
        raise DowntimeValidationError({"non_field_errors": [END_BEFORE_START_MESSAGE]})
    if not network.is_valid_combination(**codes):
        raise DowntimeValidationError({"non_field_errors": [COMBINATION_MESSAGE]})


def downtime_create(
    *,
    start: datetime,
    end: datetime,
    site: str,
    enclosure: str,
    telescope: str,
    instrument_type: str = "",
    reason: str = "",
    category: DowntimeCategory | None = None,
    created_by: AbstractBaseUser | AnonymousUser | None = None,
    configdb: ConfigDBClient,
) -> Downtime:
    """Validate and store a new downtime."""
    downtime_validate(
        start=start,
        end=end,
        site=site,
        enclosure=enclosure,
        telescope=telescope,
        instrument_type=instrument_type,
        configdb=configdb,
    )
    with transaction.atomic():
        return Downtime.objects.create(
            start=start,
            end=end,
            site=site,
            enclosure=enclosure,
            telescope=telescope,
            instrument_type=instrument_type,
            reason=reason,
            category=category,
            created_by=created_by if isinstance(created_by, User) else None,
        )


def downtime_update(
    *, downtime: Downtime, changes: Mapping[str, Any], configdb: ConfigDBClient
) -> Downtime:
    """Apply ``changes`` (a subset of the editable fields) after validating the result."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    merged = {name: changes.get(name, getattr(downtime, name)) for name in EDITABLE_FIELDS}
    downtime_validate(
        start=merged["start"],
        end=merged["end"],
        site=merged["site"],
        enclosure=merged["enclosure"],
        telescope=merged["telescope"],
        instrument_type=merged["instrument_type"],
        configdb=configdb,
    )
    with transaction.atomic():
        for name, value in merged.items():
            setattr(downtime, name, value)
        downtime.save()
    return downtime


@transaction.atomic
def downtime_delete(*, downtime: Downtime) -> None:
    """Remove a downtime."""
    downtime.delete()
