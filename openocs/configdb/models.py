"""The configuration database model (spec configdb §1).

Site 1–n Enclosure 1–n Telescope 1–n Instrument; instruments point at cameras (with camera
types and optical-element groups) and at an instrument type (with generic-mode groups and
configuration-type properties). Every model carries ``modified`` (not serialised).

Single-row invariants live here (ranges, schema validity, IANA time zones); rules that span rows
(uniqueness messages, defaults belonging to their group) are checked by the serializers and the
import service. Deletions that would silently remove more than asked are refused (D33).
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from openocs.configdb.schemas import validate_cerberus_schema


def _range(low: float | None, high: float | None) -> list[MinValueValidator | MaxValueValidator]:
    validators: list[MinValueValidator | MaxValueValidator] = []
    if low is not None:
        validators.append(MinValueValidator(low))
    if high is not None:
        validators.append(MaxValueValidator(high))
    return validators


NON_NEGATIVE = _range(0.0, None)


@cache
def _iana_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_iana_timezone(value: str) -> None:
    """Refuse a time-zone name the IANA database does not know (``Australia/Sydney`` is fine)."""
    if value not in _iana_zones():
        raise ValidationError(f"{value!r} is not an IANA time-zone name.", code="invalid")


class Modified(models.Model):
    """Abstract base: a ``modified`` timestamp updated on every save."""

    modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Site(Modified):
    code = models.CharField(max_length=3, unique=True, help_text="Three-letter site code (ogg).")
    name = models.CharField(max_length=200, default="", blank=True)
    active = models.BooleanField(default=True)
    lat = models.FloatField(default=0.0, validators=_range(-90.0, 90.0), help_text="Degrees.")
    long = models.FloatField(
        default=0.0, validators=_range(-180.0, 180.0), help_text="Degrees, east-positive."
    )
    elevation = models.IntegerField(validators=_range(-500, 100000), help_text="Metres.")
    timezone = models.IntegerField(
        validators=_range(-12, 14), help_text="Legacy UTC offset in hours (ignores DST)."
    )
    tz = models.CharField(
        max_length=64,
        default="Etc/UTC",
        validators=[validate_iana_timezone],
        help_text="IANA time-zone name; authoritative for local time.",
    )
    restart = models.TimeField(default="00:00:00", help_text="Daily software restart, UTC.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Enclosure(Modified):
    code = models.CharField(max_length=200)
    name = models.CharField(max_length=200, default="", blank=True)
    active = models.BooleanField(default=True)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="enclosure_set")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="configdb_enclosure_code_in_site")
        ]

    def __str__(self) -> str:
        return f"{self.site.code}.{self.code}"


class Telescope(Modified):
    code = models.CharField(max_length=200)
    name = models.CharField(max_length=200, default="", blank=True)
    serial_number = models.CharField(max_length=50, default="", blank=True)
    active = models.BooleanField(default=True)
    aperture = models.FloatField(default=0.0, validators=NON_NEGATIVE, help_text="Metres.")
    lat = models.FloatField(validators=_range(-90.0, 90.0))
    long = models.FloatField(validators=_range(-180.0, 180.0))
    horizon = models.FloatField(validators=_range(0.0, 90.0), help_text="Degrees.")
    ha_limit_neg = models.FloatField(validators=_range(-12.0, 0.0), help_text="Hours.")
    ha_limit_pos = models.FloatField(validators=_range(0.0, 12.0), help_text="Hours.")
    zenith_blind_spot = models.FloatField(
        default=0.0, validators=_range(0.0, 180.0), help_text="Degrees around the zenith."
    )
    slew_rate = models.FloatField(
        default=0.0, validators=NON_NEGATIVE, help_text="Seconds per arcsecond."
    )
    minimum_slew_overhead = models.FloatField(
        default=0.0, validators=NON_NEGATIVE, help_text="Seconds."
    )
    maximum_slew_overhead = models.FloatField(
        default=0.0, validators=NON_NEGATIVE, help_text="Seconds (D16)."
    )
    instrument_change_overhead = models.FloatField(
        default=0.0, validators=NON_NEGATIVE, help_text="Seconds."
    )
    telescope_front_padding = models.FloatField(
        default=90.0, validators=NON_NEGATIVE, help_text="Seconds (served, unused)."
    )
    enclosure = models.ForeignKey(Enclosure, on_delete=models.CASCADE, related_name="telescope_set")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enclosure", "code"], name="configdb_telescope_code_in_enclosure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enclosure.site.code}.{self.enclosure.code}.{self.code}"


class CameraType(Modified):
    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=200)
    size = models.CharField(
        max_length=200, default="", blank=True, help_text="Field of view, arcmin (26.5x26.5)."
    )
    pscale = models.FloatField(default=0.0, validators=NON_NEGATIVE, help_text="Arcsec/pixel.")
    pixels_x = models.IntegerField(default=0, validators=NON_NEGATIVE)
    pixels_y = models.IntegerField(default=0, validators=NON_NEGATIVE)
    max_rois = models.IntegerField(default=0, validators=NON_NEGATIVE)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class OpticalElement(Modified):
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=200, unique=True)
    schedulable = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.code


class OpticalElementGroup(Modified):
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=200, help_text="Plural by convention: filters, slits.")
    optical_elements = models.ManyToManyField(OpticalElement, related_name="groups", blank=True)
    default = models.ForeignKey(
        OpticalElement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="default_of_groups",
    )
    element_change_overhead = models.FloatField(
        default=0.0, validators=NON_NEGATIVE, help_text="Seconds."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.type})"


class Camera(Modified):
    code = models.CharField(max_length=200)
    camera_type = models.ForeignKey(CameraType, on_delete=models.PROTECT, related_name="cameras")
    orientation = models.FloatField(
        default=0.0, validators=_range(0.0, 360.0), help_text="Degrees counter-clockwise from N."
    )
    optical_element_groups = models.ManyToManyField(
        OpticalElementGroup, related_name="cameras", blank=True
    )
    host = models.CharField(max_length=200, default="", blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.code


class InstrumentCategory(Modified):
    code = models.CharField(max_length=200, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "instrument categories"

    def __str__(self) -> str:
        return self.code


class ConfigurationType(Modified):
    code = models.CharField(max_length=64, primary_key=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class InstrumentType(Modified):
    code = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=200)
    instrument_category = models.ForeignKey(
        InstrumentCategory, null=True, blank=True, on_delete=models.PROTECT
    )
    fixed_overhead_per_exposure = models.FloatField(default=1.0, validators=NON_NEGATIVE)
    observation_front_padding = models.FloatField(default=90.0, validators=NON_NEGATIVE)
    config_front_padding = models.FloatField(default=0.0, validators=NON_NEGATIVE)
    acquire_exposure_time = models.FloatField(default=0.0, validators=NON_NEGATIVE)
    default_acceptability_threshold = models.FloatField(default=90.0, validators=_range(0.0, 100.0))
    allow_self_guiding = models.BooleanField(default=True)
    default_configuration_type = models.ForeignKey(
        ConfigurationType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validation_schema = models.JSONField(
        default=dict, blank=True, validators=[validate_cerberus_schema]
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.code


class ModeType(Modified):
    """One of the five seeded mode types (readout, guiding, acquisition, exposure, rotator)."""

    id = models.CharField(max_length=200, primary_key=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.id


class GenericMode(Modified):
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=200)
    overhead = models.FloatField(default=0.0, validators=NON_NEGATIVE, help_text="Seconds.")
    schedulable = models.BooleanField(default=True)
    validation_schema = models.JSONField(
        default=dict, blank=True, validators=[validate_cerberus_schema]
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class GenericModeGroup(Modified):
    instrument_type = models.ForeignKey(
        InstrumentType, on_delete=models.CASCADE, related_name="mode_types"
    )
    type = models.ForeignKey(ModeType, on_delete=models.PROTECT)
    modes = models.ManyToManyField(GenericMode, related_name="groups", blank=True)
    default = models.ForeignKey(
        GenericMode, null=True, blank=True, on_delete=models.PROTECT, related_name="default_of"
    )

    class Meta:
        ordering = ["id"]
        unique_together = [("instrument_type", "type")]

    def __str__(self) -> str:
        return f"{self.instrument_type.code} {self.type_id}"


class ConfigurationTypeProperties(Modified):
    instrument_type = models.ForeignKey(
        InstrumentType, on_delete=models.CASCADE, related_name="configuration_type_properties"
    )
    configuration_type = models.ForeignKey(
        ConfigurationType, on_delete=models.PROTECT, related_name="properties"
    )
    force_acquisition_off = models.BooleanField(default=False)
    requires_optical_elements = models.BooleanField(default=True)
    schedulable = models.BooleanField(default=True)
    config_change_overhead = models.FloatField(
        default=0.0, validators=NON_NEGATIVE, help_text="Seconds."
    )
    validation_schema = models.JSONField(
        default=dict, blank=True, validators=[validate_cerberus_schema]
    )

    class Meta:
        ordering = ["id"]
        unique_together = [("instrument_type", "configuration_type")]
        verbose_name_plural = "configuration type properties"

    def __str__(self) -> str:
        return f"{self.instrument_type.code} {self.configuration_type_id}"


class Instrument(Modified):
    class State(models.TextChoices):
        DISABLED = "DISABLED"
        MANUAL = "MANUAL"
        COMMISSIONING = "COMMISSIONING"
        STANDBY = "STANDBY"
        SCHEDULABLE = "SCHEDULABLE"

    class AutoguiderType(models.TextChoices):
        IN_CAMERA = "InCamera"
        OFF_AXIS = "OffAxis"
        SELF_GUIDE = "SelfGuide"

    code = models.CharField(max_length=200, default="", blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DISABLED)
    telescope = models.ForeignKey(
        Telescope, on_delete=models.CASCADE, related_name="instrument_set"
    )
    instrument_type = models.ForeignKey(
        InstrumentType, on_delete=models.PROTECT, related_name="instruments"
    )
    science_cameras = models.ManyToManyField(Camera, related_name="science_instruments")
    autoguider_camera = models.ForeignKey(
        Camera, on_delete=models.PROTECT, related_name="autoguided_instruments"
    )
    autoguider_type = models.CharField(
        max_length=20, choices=AutoguiderType.choices, default=AutoguiderType.OFF_AXIS
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["telescope", "code"], name="configdb_instrument_code_in_telescope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.telescope}.{self.code}"


MODE_TYPES = ("readout", "guiding", "acquisition", "exposure", "rotator")


class ChangeRecord(models.Model):
    """One write to the configuration: who, when, what (old and new values per field)."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"

    timestamp = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, default="", blank=True)
    source = models.CharField(max_length=20, default="other", help_text="api, admin, import…")
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=64, db_index=True)
    object_id = models.CharField(max_length=200, db_index=True)
    object_repr = models.CharField(max_length=300, default="", blank=True)
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}")

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["model", "object_id", "timestamp"])]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.action} {self.model} {self.object_repr}"


class ConfigState(models.Model):
    """Singleton row: a counter and timestamp bumped by every write (ETag, cache keys)."""

    version = models.BigIntegerField(default=0)
    last_write = models.DateTimeField()

    def __str__(self) -> str:
        return f"version {self.version} at {self.last_write:%Y-%m-%d %H:%M:%S}"
