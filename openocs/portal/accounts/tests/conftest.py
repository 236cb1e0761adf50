"""PI/CI personas and their proposal, shared with the proposals tests (one definition)."""

from openocs.portal.proposals.tests.conftest import (  # noqa: F401  (re-exported fixtures)
    allocation,
    ci,
    pi,
    proposal,
    semester,
)
