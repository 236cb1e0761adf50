"""What the validation of one submission needs to know besides the submitted document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.utils import timezone

from openocs.portal.requestgroups.configuration import (
    PortalConfiguration,
    load_portal_configuration,
)


@dataclass
class ValidationContext:
    """The caller, the time of the submission and the configuration it is checked against."""

    user: Any
    now: datetime = field(default_factory=timezone.now)
    _configuration: PortalConfiguration | None = None

    @property
    def is_staff(self) -> bool:
        return bool(getattr(self.user, "is_staff", False))

    @cached_property
    def configuration(self) -> PortalConfiguration:
        """Loaded on first use, so field errors never wait on configdb."""
        return self._configuration or load_portal_configuration()
