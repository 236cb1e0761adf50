"""Re-use the request-group fixtures (network, proposal, submitter) for notification tests."""

from collections.abc import Iterator

import pytest
from huey.contrib.djhuey import HUEY

from openocs.portal.requestgroups.tests.conftest import (  # noqa: F401
    allocation,
    demo_sites_document,
    frozen_now,
    live_network,
    network,
    proposal,
    semester,
    submitter,
)


@pytest.fixture(autouse=True)
def empty_task_schedule() -> Iterator[None]:
    """Tasks scheduled for later (webhook retries) stay in huey's memory storage: start and end
    each test with none."""
    HUEY.storage.flush_schedule()
    yield
    HUEY.storage.flush_schedule()
