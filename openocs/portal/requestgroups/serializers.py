"""The request language on the wire: parsing, field checks and the compatible output shapes.

Input serializers check types, ranges, choices and required fields (``portal-api.md`` §4.1) and
hand each object's non-field rules to :mod:`.rules`; they never write. Output serializers render
the detail and list shapes of §3.11.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, tzinfo
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from openocs.portal.requestgroups import limits, rules
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.models import (
    Configuration,
    ObservationType,
    Operator,
    OptimizationType,
    Request,
    RequestGroup,
    Target,
)

# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


class LenientSerializer(serializers.Serializer[Any]):
    """``null`` for an optional field means "use the default" (README §4.3)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            data = {
                key: value
                for key, value in data.items()
                if not (
                    value is None
                    and key in self.fields
                    and not self.fields[key].required
                    and not self.fields[key].allow_null
                )
            }
        return super().to_internal_value(data)

    @property
    def ocs(self) -> ValidationContext:
        context: ValidationContext = self.context["ocs"]
        return context


def _extra_params() -> serializers.JSONField:
    return serializers.JSONField(required=False, default=dict)


class ExtraParamsMixin:
    def validate_extra_params(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected a dictionary of items.")
        return rules.coerce_extra_params(value)


class ConstraintsSerializer(ExtraParamsMixin, LenientSerializer):
    max_airmass = serializers.FloatField(default=1.6, min_value=1.0, max_value=25.0)
    min_lunar_distance = serializers.FloatField(default=30.0, min_value=0.0, max_value=180.0)
    max_lunar_phase = serializers.FloatField(default=1.0, min_value=0.0, max_value=1.0)
    max_seeing = serializers.FloatField(
        required=False, allow_null=True, min_value=0.0, default=None
    )
    min_transparency = serializers.FloatField(required=False, allow_null=True, default=None)
    extra_params = _extra_params()


class AcquisitionConfigSerializer(ExtraParamsMixin, LenientSerializer):
    mode = serializers.CharField(max_length=50, required=False)
    exposure_time = serializers.FloatField(
        required=False, allow_null=True, min_value=0.0, max_value=60.0, default=None
    )
    extra_params = _extra_params()


class GuidingConfigSerializer(ExtraParamsMixin, LenientSerializer):
    mode = serializers.CharField(max_length=50, required=False)
    optional = serializers.BooleanField(default=True)
    optical_elements = serializers.DictField(required=False, default=dict)
    exposure_time = serializers.FloatField(
        required=False, allow_null=True, min_value=0.0, max_value=120.0, default=None
    )
    extra_params = _extra_params()


class RegionOfInterestSerializer(LenientSerializer):
    x1 = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    x2 = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    y1 = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    y2 = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class InstrumentConfigSerializer(ExtraParamsMixin, LenientSerializer):
    exposure_time = serializers.FloatField(min_value=0.0)
    exposure_count = serializers.IntegerField(min_value=1)
    mode = serializers.CharField(max_length=50, required=False, allow_blank=True)
    rotator_mode = serializers.CharField(max_length=50, required=False, allow_blank=True)
    optical_elements = serializers.DictField(required=False, default=dict)
    extra_params = _extra_params()
    rois = RegionOfInterestSerializer(many=True, required=False, default=list)

    def validate_exposure_time(self, value: float) -> float:
        return limits.check_exposure_time(value)

    def validate_exposure_count(self, value: int) -> int:
        return limits.check_exposure_count(value)


TARGET_TYPES = ["ICRS", "ORBITAL_ELEMENTS", "HOUR_ANGLE", "SATELLITE"]
ORBITAL_SCHEMES = [
    "ASA_MAJOR_PLANET",
    "ASA_MINOR_PLANET",
    "ASA_COMET",
    "JPL_MAJOR_PLANET",
    "JPL_MINOR_PLANET",
    "MPC_MINOR_PLANET",
    "MPC_COMET",
]

TARGET_NUMBER_FIELDS = [
    "ra",
    "dec",
    "hour_angle",
    "proper_motion_ra",
    "proper_motion_dec",
    "parallax",
    "epoch",
    "altitude",
    "azimuth",
    "diff_altitude_rate",
    "diff_azimuth_rate",
    "diff_epoch",
    "diff_altitude_acceleration",
    "diff_azimuth_acceleration",
    "epochofel",
    "orbinc",
    "longascnode",
    "longofperih",
    "argofperih",
    "meandist",
    "perihdist",
    "eccentricity",
    "meanlong",
    "meananom",
    "dailymot",
    "epochofperih",
]


class TargetSerializer(ExtraParamsMixin, serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=TARGET_TYPES)
    name = serializers.CharField(
        max_length=50,
        error_messages={"blank": "Please provide a name.", "required": "Please provide a name."},
    )
    scheme = serializers.ChoiceField(choices=ORBITAL_SCHEMES, required=False, allow_null=True)
    extra_params = _extra_params()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for name in TARGET_NUMBER_FIELDS:
            fields[name] = serializers.FloatField(required=False, allow_null=True)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return rules.target_rules(attrs)


class ConfigurationSerializer(ExtraParamsMixin, LenientSerializer):
    type = serializers.CharField(max_length=64)
    instrument_type = serializers.CharField(max_length=255)
    instrument_configs = InstrumentConfigSerializer(many=True)
    target = TargetSerializer()
    constraints = ConstraintsSerializer()
    acquisition_config = AcquisitionConfigSerializer()
    guiding_config = GuidingConfigSerializer()
    repeat_duration = serializers.FloatField(
        required=False, allow_null=True, min_value=0.0, default=None
    )
    fill_window = serializers.BooleanField(required=False, default=False, write_only=True)
    extra_params = _extra_params()

    def validate_repeat_duration(self, value: float | None) -> float | None:
        return limits.check_duration(value)

    def validate_instrument_configs(self, value: list[Any]) -> list[Any]:
        if not value:
            raise serializers.ValidationError(
                "A configuration must have at least one instrument configuration"
            )
        return value

    def validate_instrument_type(self, value: str) -> str:
        return rules.check_instrument_type_offered(value, self.ocs)

    def validate_type(self, value: str) -> str:
        return rules.check_configuration_type_known(value, self.ocs)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return rules.configuration_rules(attrs, self.ocs)


class LocationSerializer(LenientSerializer):
    telescope_class = serializers.CharField(max_length=20)
    site = serializers.CharField(max_length=20, required=False, allow_blank=True)
    enclosure = serializers.CharField(max_length=20, required=False, allow_blank=True)
    telescope = serializers.CharField(max_length=20, required=False, allow_blank=True)

    def validate_telescope_class(self, value: str) -> str:
        return rules.check_telescope_class(value, self.ocs)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return rules.location_rules(attrs, self.ocs)


class WindowSerializer(LenientSerializer):
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField()

    def validate_end(self, value: Any) -> Any:
        if value <= self.ocs.now:
            raise serializers.ValidationError("Window end time must be in the future")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return rules.window_rules(attrs, self.ocs)


class RequestSerializer(ExtraParamsMixin, LenientSerializer):
    location = LocationSerializer(required=False)
    windows = WindowSerializer(many=True, required=False)
    configurations = ConfigurationSerializer(many=True)
    cadence = serializers.DictField(required=False, write_only=True)
    observation_note = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    optimization_type = serializers.ChoiceField(
        choices=OptimizationType.choices, default=OptimizationType.TIME
    )
    acceptability_threshold = serializers.FloatField(required=False, min_value=0.0, max_value=100.0)
    configuration_repeats = serializers.IntegerField(min_value=1, default=1)
    extra_params = _extra_params()

    def validate_configurations(self, value: list[Any]) -> list[Any]:
        if not value:
            raise serializers.ValidationError("You must specify at least 1 configuration")
        if sum(1 for c in value if c.get("fill_window")) > 1:
            raise serializers.ValidationError("Only one configuration can have `fill_window` set")
        return value

    def validate_configuration_repeats(self, value: int) -> int:
        return limits.check_configuration_repeats(value)

    def validate_windows(self, value: list[Any]) -> list[Any]:
        if not value:
            raise serializers.ValidationError("You must specify at least 1 window")
        return rules.check_windows_in_one_semester(value, self.ocs)

    def validate_cadence(self, value: Any) -> Any:
        raise serializers.ValidationError(
            "Please use the cadence endpoint to expand your cadence request"
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return rules.request_rules(attrs, self.ocs, self.parent_group_type())

    def parent_group_type(self) -> str:
        data = getattr(self.root, "initial_data", None)
        if isinstance(data, dict):
            return str(data.get("observation_type", ObservationType.NORMAL))
        return ObservationType.NORMAL


class RequestGroupSerializer(LenientSerializer):
    proposal = serializers.CharField(
        max_length=50,
        error_messages={
            "null": "Please provide a proposal.",
            "required": "Please provide a proposal.",
        },
    )
    name = serializers.CharField(
        max_length=50,
        error_messages={"blank": "Please provide a name.", "required": "Please provide a name."},
    )
    observation_type = serializers.ChoiceField(choices=ObservationType.choices)
    operator = serializers.ChoiceField(choices=Operator.choices)
    ipp_value = serializers.FloatField(min_value=0.0)
    requests = RequestSerializer(many=True)
    submitter_id = serializers.CharField(required=False, write_only=True)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and data.get("proposal", "") is None:
            raise serializers.ValidationError({"proposal": ["Please provide a proposal."]})
        limits.check_group_limits(data)  # before any work that grows with the payload
        return super().to_internal_value(data)

    def validate_proposal(self, value: str) -> Any:
        return rules.check_proposal_exists(value)

    def validate_requests(self, value: list[Any]) -> list[Any]:
        if not value:
            raise serializers.ValidationError("You must specify at least 1 request")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.pop("submitter_id", None)
        return rules.group_rules(attrs, self.ocs)


# ---------------------------------------------------------------------------------------------
# Output: the detail and list shapes of §3.11
# ---------------------------------------------------------------------------------------------


class RequestSuspendSerializer(serializers.Serializer[Any]):
    """``PATCH /api/requests/{id}/`` (§11.2): only ``suspend_until`` is read; other keys are
    dropped before validation, as the reference serializer does."""

    suspend_until = serializers.DateTimeField(allow_null=True, required=False)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict) or "suspend_until" not in data:
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        "The suspend_until value must be set on update requests"
                    ]
                }
            )
        return super().to_internal_value({"suspend_until": data["suspend_until"]})

    def validate_suspend_until(self, value: Any) -> Any:
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError("The suspend_until value must be in the future")
        return value


def render_target(target: Target, *, list_shape: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"type": target.type, "name": target.name}
    for name in rules.TARGET_FIELDS_BY_TYPE.get(target.type, []):
        value = getattr(target, name)
        if value == "" and name == "scheme":
            value = None
        if list_shape or value is not None:
            data[name] = value
    data["extra_params"] = target.extra_params
    return data


def _without_nulls(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def render_configuration(configuration: Configuration, *, list_shape: bool) -> dict[str, Any]:
    constraints = configuration.constraints
    acquisition = configuration.acquisition_config
    guiding = configuration.guiding_config
    constraints_data = {
        "max_airmass": constraints.max_airmass,
        "min_lunar_distance": constraints.min_lunar_distance,
        "max_lunar_phase": constraints.max_lunar_phase,
        "max_seeing": constraints.max_seeing,
        "min_transparency": constraints.min_transparency,
        "extra_params": constraints.extra_params,
    }
    acquisition_data = {
        "mode": acquisition.mode,
        "exposure_time": acquisition.exposure_time,
        "extra_params": acquisition.extra_params,
    }
    instrument_configs = []
    for ic in configuration.instrument_configs.all():
        ic_data: dict[str, Any] = {
            "optical_elements": ic.optical_elements,
            "mode": ic.mode,
            "exposure_time": ic.exposure_time,
            "exposure_count": ic.exposure_count,
            "rotator_mode": ic.rotator_mode,
            "extra_params": ic.extra_params,
        }
        if list_shape or ic.rois:
            ic_data["rois"] = ic.rois
        instrument_configs.append(ic_data)
    data: dict[str, Any] = {
        "id": configuration.id,
        "constraints": _without_nulls(constraints_data) if list_shape else constraints_data,
        "instrument_configs": instrument_configs,
        "acquisition_config": _without_nulls(acquisition_data) if list_shape else acquisition_data,
        "guiding_config": {
            "optional": guiding.optional,
            "mode": guiding.mode,
            "optical_elements": guiding.optical_elements,
            "exposure_time": guiding.exposure_time,
            "extra_params": guiding.extra_params,
        },
        "target": render_target(configuration.target, list_shape=list_shape),
        "instrument_type": configuration.instrument_type,
        "type": configuration.type,
        "extra_params": configuration.extra_params,
        "priority": configuration.priority,
    }
    if list_shape or "REPEAT" in configuration.type.upper():
        data["repeat_duration"] = configuration.repeat_duration
    return data


_DATETIME = serializers.DateTimeField()
"""One stateless field for every rendered time (building a field per value cost ~20 % of a list)."""


def datetime_text(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    """A stored time as DRF's ``DateTimeField`` renders it (ISO 8601 in the current time zone,
    ``Z`` for UTC), without the field's per-call lookups for the aware times the database gives.
    ``zone`` is the current time zone when the caller has already read it (loops)."""
    if value is None:
        return None
    if value.tzinfo is None or not settings.USE_TZ or api_settings.DATETIME_FORMAT != ISO_8601:
        result: str | None = _DATETIME.to_representation(value)
        return result
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def render_location(request: Request) -> dict[str, Any]:
    location = getattr(request, "location", None)
    if location is None:
        return {}
    data = {
        "telescope_class": location.telescope_class,
        "site": location.site,
        "enclosure": location.enclosure,
        "telescope": location.telescope,
    }
    return {key: value for key, value in data.items() if value}


def render_request(request: Request, *, list_shape: bool) -> dict[str, Any]:
    data: dict[str, Any] = OrderedDict(
        id=request.id,
        location=render_location(request),
        configurations=[
            render_configuration(c, list_shape=list_shape) for c in request.configurations.all()
        ],
        windows=[
            {"start": datetime_text(w.start), "end": datetime_text(w.end)}
            for w in request.windows.all()
        ],
        duration=request.duration,
        observation_note=request.observation_note,
        optimization_type=request.optimization_type,
        state=request.state,
        suspend_until=datetime_text(request.suspend_until),
        modified=datetime_text(request.modified),
        acceptability_threshold=request.acceptability_threshold,
        configuration_repeats=request.configuration_repeats,
        extra_params=request.extra_params,
    )
    if not list_shape:
        data["created"] = datetime_text(request.created)
    return dict(data)


def render_request_group(group: RequestGroup, *, list_shape: bool) -> dict[str, Any]:
    return {
        "id": group.id,
        "submitter": group.submitter.username,
        "proposal": group.proposal_id,
        "name": group.name,
        "observation_type": group.observation_type,
        "operator": group.operator,
        "ipp_value": group.ipp_value,
        "state": group.state,
        "created": datetime_text(group.created),
        "modified": datetime_text(group.modified),
        "requests": [render_request(r, list_shape=list_shape) for r in group.requests.all()],
    }
