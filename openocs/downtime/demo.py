"""Demo downtimes on the demo network, placed around "now" so they show up as current.

Idempotent: each demo downtime is recognised by its reason; running the loader again leaves
current ones alone and moves ones that have ended to the same place relative to the new "now".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from openocs.downtime import services
from openocs.downtime.models import Downtime, DowntimeCategory
from openocs.web.clients import configdb_client


@dataclass(frozen=True)
class DemoDowntime:
    site: str
    enclosure: str
    telescope: str
    instrument_type: str
    category: str
    reason: str
    start_h: float  # hours from now (rounded down to the hour)
    duration_h: float


DEMO_DOWNTIMES = [
    DemoDowntime("coj", "doma", "1m0a", "", "maintenance", "Demo: primary mirror cleaning", -2, 8),
    DemoDowntime("ogg", "clma", "2m0a", "2M0-FLOYDS-SCICAM", "engineering",
                 "Demo: FLOYDS arc lamp replacement", 6, 30),
    DemoDowntime("cpt", "domc", "1m0a", "", "weather", "Demo: dome closed for snow", 20, 16),
    DemoDowntime("lsc", "aqwa", "0m4a", "", "education", "Demo: reserved for a school session",
                 30, 3),
    DemoDowntime("elp", "doma", "1m0a", "1M0-NRES-SCICAM", "maintenance",
                 "Demo: NRES fibre inspection", 48, 24),
    DemoDowntime("tfn", "domb", "1m0a", "", "engineering", "Demo: telescope pointing model", 72, 6),
]  # fmt: skip


def load_demo(*, now: datetime | None = None) -> str:
    """Create (or bring back to the present) the demo downtimes; return a one-line summary."""
    now = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    categories = {category.code: category for category in DowntimeCategory.objects.all()}
    created = moved = 0
    for demo in DEMO_DOWNTIMES:
        start = now + timedelta(hours=demo.start_h)
        end = start + timedelta(hours=demo.duration_h)
        existing = Downtime.objects.filter(reason=demo.reason).first()
        if existing is not None and existing.end > now:
            continue
        if existing is not None:
            services.downtime_update(
                downtime=existing, changes={"start": start, "end": end}, configdb=configdb_client()
            )
            moved += 1
            continue
        services.downtime_create(
            start=start,
            end=end,
            site=demo.site,
            enclosure=demo.enclosure,
            telescope=demo.telescope,
            instrument_type=demo.instrument_type,
            reason=demo.reason,
            category=categories.get(demo.category),
            configdb=configdb_client(),
        )
        created += 1
    total = Downtime.objects.filter(reason__in=[d.reason for d in DEMO_DOWNTIMES]).count()
    if created == moved == 0:
        return f"{total} demo downtimes (unchanged)"
    return f"{total} demo downtimes ({created} created, {moved} moved to the present)"
