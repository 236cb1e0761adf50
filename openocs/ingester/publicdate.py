"""When a frame becomes public (spec §9.5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from openocs.ingester.settings import IngesterSettings

NEVER_DAYS = 999 * 365

#: Reads a proposal's tags from the portal; returns None when the portal cannot tell.
TagLookup = Callable[[str], list[str] | None]


def public_date(
    *,
    observation_date: datetime,
    proposal_id: str,
    configuration_type: str,
    basename: str,
    settings: IngesterSettings,
    proposal_tags: TagLookup | None = None,
) -> tuple[datetime, str]:
    """The public date and the name of the rule that produced it."""
    if proposal_tags is not None and proposal_id:
        tags = proposal_tags(proposal_id) or []
        if any(tag in settings.private_proposal_tags for tag in tags):
            return observation_date + timedelta(days=NEVER_DAYS), "portal-private-tag"
        if any(tag in settings.public_proposal_tags for tag in tags):
            return observation_date, "portal-public-tag"
    if configuration_type in settings.calibration_types:
        return observation_date, "calibration"
    if any(name in proposal_id for name in settings.public_proposals):
        return observation_date, "public-proposal"
    if any(name in proposal_id for name in settings.private_proposals):
        return observation_date + timedelta(days=NEVER_DAYS), "private-proposal"
    if any(name in basename for name in settings.private_file_types):
        return observation_date + timedelta(days=NEVER_DAYS), "private-file-type"
    return observation_date + timedelta(days=settings.days_until_public), "proprietary-period"
