"""Reads of the state samples (a constant number of queries for any number of telescopes)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import Max, Q

from openocs.portal.telescopestates.models import TelescopeStateSample
from openocs.portal.telescopestates.states import Sample


def samples_for_range(
    *, telescopes: Sequence[str], start: datetime, end: datetime
) -> dict[str, list[Sample]]:
    """Per telescope key, in time order: its latest sample at or before ``start`` (the state the
    range opens with) and every sample in (``start``, ``end``]."""
    if not telescopes:
        return {}
    heads = (
        TelescopeStateSample.objects.filter(telescope__in=telescopes, start__lte=start)
        .values("telescope")
        .annotate(latest=Max("start"))
    )
    condition = Q(telescope__in=telescopes, start__gt=start, start__lte=end)
    head_conditions = [Q(telescope=row["telescope"], start=row["latest"]) for row in heads]
    if head_conditions:
        condition |= reduce(or_, head_conditions)
    rows = TelescopeStateSample.objects.filter(condition).order_by("telescope", "start", "id")
    result: dict[str, list[Sample]] = defaultdict(list)
    for row in rows:
        sample = Sample(
            event_type=row.event_type,
            event_reason=row.event_reason,
            start=row.start,
            end=row.end,
        )
        samples = result[row.telescope]
        if samples and samples[-1].start == sample.start:
            samples[-1] = sample  # two samples at one instant: the later report wins
        else:
            samples.append(sample)
    return dict(result)
