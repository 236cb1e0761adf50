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

    @cached_property
    def _semesters(self) -> list[Any]:
        from openocs.portal.proposals.models import Semester

        return list(Semester.objects.order_by("start"))

    def semester_for(self, start: datetime, end: datetime) -> Any:
        """The earliest-starting semester that holds [start, end], or None. The semesters are
        read once per submission (a handful of rows), not once per window."""
        return next((s for s in self._semesters if s.start <= start and s.end >= end), None)
