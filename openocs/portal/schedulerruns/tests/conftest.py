"""Re-use the request-group fixtures (network, proposal, submitter) for scheduler-run tests."""

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
