"""Request groups and the request language they are written in (``portal-api.md`` §3).

A RequestGroup holds Requests; a Request holds Windows, one Location and Configurations executed
in priority order; a Configuration holds one Target, Constraints, AcquisitionConfig and
GuidingConfig and its InstrumentConfigs. Models hold single-row invariants only: validation of
the whole language lives in ``rules`` and ``serializers``; writes in ``services``.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    """States shared by request groups and requests (§8.1)."""

    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    WINDOW_EXPIRED = "WINDOW_EXPIRED"
    FAILURE_LIMIT_REACHED = "FAILURE_LIMIT_REACHED"
    CANCELED = "CANCELED"


TERMINAL_STATES = frozenset(
    {State.COMPLETED, State.WINDOW_EXPIRED, State.FAILURE_LIMIT_REACHED, State.CANCELED}
)


class ObservationType(models.TextChoices):
    NORMAL = "NORMAL"
    RAPID_RESPONSE = "RAPID_RESPONSE"
    TIME_CRITICAL = "TIME_CRITICAL"
    DIRECT = "DIRECT"
    REAL_TIME = "REAL_TIME"


SCHEDULED_TYPES = frozenset(
    {ObservationType.NORMAL, ObservationType.RAPID_RESPONSE, ObservationType.TIME_CRITICAL}
)


class Operator(models.TextChoices):
    SINGLE = "SINGLE"
    MANY = "MANY"


class RequestGroup(models.Model):
    """A submission: the unit an astronomer tracks and cancels (the "tracking number")."""

    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="request_groups"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="request_groups"
    )
    name = models.CharField(max_length=50)
    observation_type = models.CharField(max_length=40, choices=ObservationType.choices)
    operator = models.CharField(max_length=20, choices=Operator.choices)
    ipp_value = models.FloatField()
    state = models.CharField(
        max_length=40, choices=State.choices, default=State.PENDING, db_index=True
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["proposal", "state"]),
            models.Index(fields=["submitter", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.name} ({self.state})"


class OptimizationType(models.TextChoices):
    TIME = "TIME"
    AIRMASS = "AIRMASS"


class Request(models.Model):
    """One observation to make: when (windows), where (location) and what (configurations)."""

    request_group = models.ForeignKey(
        RequestGroup, on_delete=models.CASCADE, related_name="requests"
    )
    observation_note = models.CharField(max_length=255, blank=True, default="")
    state = models.CharField(
        max_length=40, choices=State.choices, default=State.PENDING, db_index=True
    )
    acceptability_threshold = models.FloatField(default=90.0)
    configuration_repeats = models.PositiveIntegerField(default=1)
    optimization_type = models.CharField(
        max_length=40, choices=OptimizationType.choices, default=OptimizationType.TIME
    )
    extra_params = models.JSONField(default=dict, blank=True)
    suspend_until = models.DateTimeField(null=True, blank=True)
    duration = models.PositiveIntegerField(
        default=0, help_text="Estimated seconds, all overheads included (spec §5)."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"Request {self.id} ({self.state})"


class Location(models.Model):
    """Where a request may be observed: a telescope class, optionally down to one telescope."""

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="location")
    telescope_class = models.CharField(max_length=20, db_index=True)
    site = models.CharField(max_length=20, blank=True, default="")
    enclosure = models.CharField(max_length=20, blank=True, default="")
    telescope = models.CharField(max_length=20, blank=True, default="")

    def __str__(self) -> str:
        parts = [self.telescope_class, self.site, self.enclosure, self.telescope]
        return ".".join(part for part in parts if part)


class Window(models.Model):
    """An interval in which the request may be observed."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="windows")
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField(db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


class Configuration(models.Model):
    """One step of a request: a target observed with one instrument type and its settings."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="configurations")
    instrument_type = models.CharField(max_length=255)
    type = models.CharField(max_length=64)
    repeat_duration = models.FloatField(null=True, blank=True)
    extra_params = models.JSONField(default=dict, blank=True)
    priority = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar[list[str]] = ["priority", "id"]

    def __str__(self) -> str:
        return f"Configuration {self.id} {self.type} {self.instrument_type}"


class InstrumentConfig(models.Model):
    """Exposures of one configuration with their optical elements and modes."""

    configuration = models.ForeignKey(
        Configuration, on_delete=models.CASCADE, related_name="instrument_configs"
    )
    optical_elements = models.JSONField(default=dict, blank=True)
    mode = models.CharField(max_length=50, blank=True, default="")
    rotator_mode = models.CharField(max_length=50, blank=True, default="")
    exposure_time = models.FloatField()
    exposure_count = models.PositiveIntegerField()
    extra_params = models.JSONField(default=dict, blank=True)
    rois = models.JSONField(default=list, blank=True, help_text="Regions of interest.")

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.exposure_count} x {self.exposure_time} s"


class Target(models.Model):
    """What a configuration points at; which fields matter depends on ``type`` (§3.9)."""

    configuration = models.OneToOneField(
        Configuration, on_delete=models.CASCADE, related_name="target"
    )
    name = models.CharField(max_length=50, db_index=True)
    type = models.CharField(max_length=40)
    # ICRS and HOUR_ANGLE
    ra = models.FloatField(null=True, blank=True)
    dec = models.FloatField(null=True, blank=True)
    hour_angle = models.FloatField(null=True, blank=True)
    proper_motion_ra = models.FloatField(null=True, blank=True)
    proper_motion_dec = models.FloatField(null=True, blank=True)
    parallax = models.FloatField(null=True, blank=True)
    epoch = models.FloatField(null=True, blank=True)
    # SATELLITE
    altitude = models.FloatField(null=True, blank=True)
    azimuth = models.FloatField(null=True, blank=True)
    diff_altitude_rate = models.FloatField(null=True, blank=True)
    diff_azimuth_rate = models.FloatField(null=True, blank=True)
    diff_epoch = models.FloatField(null=True, blank=True)
    diff_altitude_acceleration = models.FloatField(null=True, blank=True)
    diff_azimuth_acceleration = models.FloatField(null=True, blank=True)
    # ORBITAL_ELEMENTS
    scheme = models.CharField(max_length=50, blank=True, default="")
    epochofel = models.FloatField(null=True, blank=True)
    orbinc = models.FloatField(null=True, blank=True)
    longascnode = models.FloatField(null=True, blank=True)
    longofperih = models.FloatField(null=True, blank=True)
    argofperih = models.FloatField(null=True, blank=True)
    meandist = models.FloatField(null=True, blank=True)
    perihdist = models.FloatField(null=True, blank=True)
    eccentricity = models.FloatField(null=True, blank=True)
    meanlong = models.FloatField(null=True, blank=True)
    meananom = models.FloatField(null=True, blank=True)
    dailymot = models.FloatField(null=True, blank=True)
    epochofperih = models.FloatField(null=True, blank=True)
    extra_params = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.type} {self.name}"


class Constraints(models.Model):
    """Observing conditions a configuration needs (§3.8)."""

    configuration = models.OneToOneField(
        Configuration, on_delete=models.CASCADE, related_name="constraints"
    )
    max_airmass = models.FloatField(default=1.6)
    min_lunar_distance = models.FloatField(default=30.0)
    max_lunar_phase = models.FloatField(default=1.0)
    max_seeing = models.FloatField(null=True, blank=True)
    min_transparency = models.FloatField(null=True, blank=True)
    extra_params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "constraints"

    def __str__(self) -> str:
        return f"airmass ≤ {self.max_airmass}"


class AcquisitionConfig(models.Model):
    """How the telescope acquires the target before the science exposures (§3.7)."""

    configuration = models.OneToOneField(
        Configuration, on_delete=models.CASCADE, related_name="acquisition_config"
    )
    mode = models.CharField(max_length=50, default="OFF")
    exposure_time = models.FloatField(null=True, blank=True)
    extra_params = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.mode


class GuidingConfig(models.Model):
    """How the telescope guides during the configuration (§3.7)."""

    configuration = models.OneToOneField(
        Configuration, on_delete=models.CASCADE, related_name="guiding_config"
    )
    mode = models.CharField(max_length=50, blank=True, default="")
    optional = models.BooleanField(default=True)
    optical_elements = models.JSONField(default=dict, blank=True)
    exposure_time = models.FloatField(null=True, blank=True)
    extra_params = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.mode


class Draft(models.Model):
    """A saved, unsubmitted compose-form state (``portal-api.md`` §12)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_drafts"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="request_drafts"
    )
    title = models.CharField(max_length=50)
    content = models.TextField(help_text="JSON of the compose form.")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-modified"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["author", "proposal", "title"], name="unique_draft_title_per_author"
            )
        ]

    def __str__(self) -> str:
        return self.title
