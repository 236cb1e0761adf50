"""The demo loader: current downtimes on the demo network, idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from openocs.downtime.demo import DEMO_DOWNTIMES, load_demo
from openocs.downtime.models import Downtime
from openocs.downtime.tests.factories import utc

pytestmark = pytest.mark.django_db


def test_creates_valid_current_downtimes_once(configdb):
    now = utc(2030, 3, 1, 12)
    count = len(DEMO_DOWNTIMES)
    assert load_demo(now=now) == f"{count} demo downtimes ({count} created, 0 moved to the present)"
    assert Downtime.objects.filter(start__lte=now, end__gt=now).exists()
    assert all(d.category is not None for d in Downtime.objects.all())
    assert load_demo(now=now + timedelta(hours=1)).endswith("(unchanged)")
    assert Downtime.objects.count() == len(DEMO_DOWNTIMES)


def test_moves_ended_demo_downtimes_to_the_present(configdb):
    load_demo(now=utc(2030, 3, 1))
    later = utc(2030, 6, 1)
    summary = load_demo(now=later)
    assert "moved to the present" in summary
    assert Downtime.objects.count() == len(DEMO_DOWNTIMES)
    assert not Downtime.objects.filter(end__lte=later).exists()
