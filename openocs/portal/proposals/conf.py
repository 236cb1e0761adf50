"""Settings of the portal proposals, read from the environment with the typed helpers."""

from __future__ import annotations

from openocs.env import env_float, env_int, env_str, local_base_url

# Organisation name used in e-mail subjects ("You have been added to a proposal at <name>").
ORGANIZATION_NAME = env_str("ORGANIZATION_NAME", "OpenOCS")
# Public base URL of the portal used in e-mail links (no trailing slash needed); by default
# where `ocs up` serves (OCS_HOST, OCS_PORT).
PORTAL_PUBLIC_URL = env_str("OCS_PORTAL_PUBLIC_URL", local_base_url())
# Default IPP limit and opening IPP balance, as fractions of the standard allocation (spec §7.1).
IPP_LIMIT_FRACTION = env_float("OCS_IPP_LIMIT_FRACTION", 0.10, minimum=0.0)
IPP_AVAILABLE_FRACTION = env_float("OCS_IPP_AVAILABLE_FRACTION", 0.05, minimum=0.0)
# The allocation reminder is sent when at most this many days of the semester remain (§22).
ALLOCATION_REMINDER_DAYS = env_int("OCS_ALLOCATION_REMINDER_DAYS", 93, minimum=0)
# Proposal id prefix of ported SCI applications (`<prefix><semester>-<rank:03>`, spec §20).
SCIENCE_PROPOSAL_PREFIX = env_str("OCS_SCIENCE_PROPOSAL_PREFIX", "LCO")
# Two counters differing by less than this many hours agree (floating-point sums).
LEDGER_TOLERANCE_HOURS = 1e-6
