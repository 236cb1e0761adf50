"""Reads of the downtime database."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from openocs.clients.configdb import ConfigDBClient
from openocs.clients.errors import ResponseFormatError, ServiceUnavailableError
from openocs.downtime.models import Downtime

CODE_FIELDS = ("site", "enclosure", "telescope", "instrument_type")


def downtime_list() -> QuerySet[Downtime]:
    """Every downtime, in the default order (start, then id), categories joined."""
    return Downtime.objects.select_related("category").order_by("start", "id")


def downtime_overlapping(
    *,
    site: str,
    enclosure: str,
    telescope: str,
    start: datetime,
    end: datetime,
    instrument_type: str | None = None,
) -> QuerySet[Downtime]:
    """Downtimes of one telescope that overlap ``[start, end)`` (touching ends do not overlap).

    With ``instrument_type`` only the downtimes that apply to it are returned: whole-telescope
    ones and those of that type (compared case-insensitively, downtime-api.md §4).
    """
    queryset = downtime_list().filter(
        site=site, enclosure=enclosure, telescope=telescope, start__lt=end, end__gt=start
    )
    if instrument_type:
        queryset = queryset.filter(
            Q(instrument_type="") | Q(instrument_type__iexact=instrument_type)
        )
    return queryset


def known_codes(configdb: ConfigDBClient) -> dict[str, set[str]] | None:
    """Codes a list filter accepts: those in configdb plus those already stored.

    ``None`` when configdb cannot be reached and no cached copy exists: reads must keep working,
    so the filters then accept any code.
    """
    try:
        network = configdb.network()
    except (ServiceUnavailableError, ResponseFormatError):
        return None
    codes = {
        "site": network.site_codes,
        "enclosure": network.enclosure_codes,
        "telescope": network.telescope_codes,
        "instrument_type": network.instrument_type_codes,
    }
    for field in CODE_FIELDS:
        codes[field] |= set(Downtime.objects.order_by().values_list(field, flat=True).distinct())
    return codes
