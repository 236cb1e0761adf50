"""Direct submission: ``POST /api/schedule/`` (``portal-api.md`` §15).

Staff and direct-submission users place one observation on a given telescope at a given time,
bypassing the scheduler: no windows, location, visibility or time-allocation checks, but the
group rules of §4.5 (membership, active proposal, per-user time limit) and the configuration
rules apply, and the instruments and guide cameras must be on that telescope. A DIRECT SINGLE
group (IPP 1.0), its request, the observation and one status per configuration per repeat are
created in one transaction; ``last_scheduled`` moves for the site and a change event is
published.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, cast

from django.db import transaction
from rest_framework import serializers

from openocs.portal import events
from openocs.portal.observations.changes import mark_changed
from openocs.portal.observations.models import Observation
from openocs.portal.observations.services import observation_create
from openocs.portal.observations.validation import _instruments_at
from openocs.portal.requestgroups import limits, rules
from openocs.portal.requestgroups.configuration import (
    PortalConfiguration,
    load_portal_configuration,
)
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.models import Request, RequestGroup
from openocs.portal.requestgroups.serializers import ConfigurationSerializer, LenientSerializer
from openocs.portal.requestgroups.services import _create_configuration

ValidationError = serializers.ValidationError

# Configuration types whose target is not validated (§15).
UNTARGETED_TYPES = frozenset({"BIAS", "DARK", "SKY_FLAT", "NRES_BIAS", "NRES_DARK"})
_PLACEHOLDER_TARGET = {"type": "ICRS", "name": "calibration", "ra": 0.0, "dec": 0.0}


class _UnrestrictedConfiguration:
    """The portal configuration with every configuration type and mode schedulable: direct
    submission does not enforce schedulability (§15)."""

    def __init__(self, inner: PortalConfiguration) -> None:
        self._inner = inner
        self._digest: dict[str, Any] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def digest(self, *, staff: bool, location: Any = None) -> dict[str, Any]:
        if location is not None:
            return self._inner.digest(staff=True, location=location)
        if self._digest is None:
            digest = copy.deepcopy(self._inner.digest(staff=True))
            for entry in digest.values():
                for properties in entry.get("configuration_types", {}).values():
                    properties["schedulable"] = True
                for group in entry.get("modes", {}).values():
                    for mode in group.get("modes", []) if isinstance(group, dict) else []:
                        mode["schedulable"] = True
            self._digest = digest
        return self._digest


def _set_text(values: set[str]) -> str:
    """A set the way the reference prints it: ``{'fa12', 'fa13'}`` (sorted here)."""
    return "{" + ", ".join(f"'{value}'" for value in sorted(values)) + "}"


class DirectConfigurationSerializer(ConfigurationSerializer):
    instrument_name = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    guide_camera_name = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )

    def to_internal_value(self, data: Any) -> Any:
        """Calibration types keep their target as given, without the §3.9 checks."""
        config_type = str(data.get("type", "")).upper() if isinstance(data, Mapping) else ""
        if config_type not in UNTARGETED_TYPES:
            return super().to_internal_value(data)
        given = data.get("target") if isinstance(data.get("target"), Mapping) else {}
        attrs = super().to_internal_value({**data, "target": _PLACEHOLDER_TARGET})
        target = {k: v for k, v in dict(given).items() if v is not None}
        target.setdefault("type", "ICRS")
        target.setdefault("name", config_type.lower())
        attrs["target"] = target
        return attrs

    def validate_instrument_type(self, value: str) -> str:
        if value.upper() not in self.ocs.configuration.digest(staff=True):
            raise ValidationError(f"Invalid Instrument Type {value}")
        return value


class DirectRequestSerializer(LenientSerializer):
    acceptability_threshold = serializers.FloatField(
        min_value=0.0, max_value=100.0, required=False, default=90.0
    )
    observation_note = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    configuration_repeats = serializers.IntegerField(min_value=1, required=False, default=1)
    extra_params = serializers.JSONField(required=False, default=dict)
    configurations = DirectConfigurationSerializer(many=True)

    def to_internal_value(self, data: Any) -> Any:
        errors = limits.request_limit_errors(data, limits.current_limits())
        if errors:
            raise ValidationError(errors)
        return super().to_internal_value(data)

    def validate_configuration_repeats(self, value: int) -> int:
        return limits.check_configuration_repeats(value)

    def validate_configurations(self, value: list[Any]) -> list[Any]:
        if not value:
            raise ValidationError("You must specify at least 1 configuration")
        return value


class DirectSubmissionSerializer(LenientSerializer):
    proposal = serializers.CharField(max_length=255)
    name = serializers.CharField(max_length=50)
    site = serializers.CharField(max_length=10)
    enclosure = serializers.CharField(max_length=10)
    telescope = serializers.CharField(max_length=10)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    priority = serializers.IntegerField(min_value=1, required=False, default=10)
    request = DirectRequestSerializer()

    def validate_site(self, value: str) -> str:
        if value not in self.ocs.configuration.site_codes():
            raise ValidationError(f'"{value}" is not a valid choice.')
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        ocs = self.ocs
        site, enclosure, telescope = attrs["site"], attrs["enclosure"], attrs["telescope"]
        if enclosure not in ocs.configuration.enclosure_codes(site):
            raise ValidationError({"enclosure": [f'"{enclosure}" is not a valid choice.']})
        if telescope not in ocs.configuration.telescope_codes(site, enclosure):
            raise ValidationError({"telescope": [f'"{telescope}" is not a valid choice.']})
        start, end = attrs["start"], attrs["end"]
        if end <= ocs.now:
            raise ValidationError("End time must be in the future")
        if end <= start:
            raise ValidationError("End time must be after start time")
        proposal = _proposal(attrs["proposal"])
        duration_s = int((end - start).total_seconds())
        request = attrs["request"]
        rules.group_rules(
            {
                "proposal": proposal,
                "ipp_value": 1.0,
                "operator": "SINGLE",
                "observation_type": "DIRECT",
                "requests": [{**request, "duration": duration_s}],
            },
            ocs,
        )
        key = f"{site}.{enclosure}.{telescope}"
        instruments = _instruments_at(site, enclosure, telescope)
        request["configurations"] = [
            _place_configuration(configuration, instruments, key)
            for configuration in request["configurations"]
        ]
        return {**attrs, "proposal": proposal, "duration": duration_s, "request": request}


def _proposal(proposal_id: str) -> Any:
    from openocs.portal.proposals.models import Proposal

    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        raise ValidationError(f"Proposal {proposal_id} does not exist")
    if not proposal.direct_submission:
        raise ValidationError(
            f"Proposal {proposal_id} is not allowed to submit observations directly"
        )
    return proposal


def _place_configuration(
    configuration: dict[str, Any], instruments: Mapping[str, Mapping[str, Any]], key: str
) -> dict[str, Any]:
    """The instrument and guide camera of one configuration on the chosen telescope."""
    instrument_type = configuration["instrument_type"]
    candidates = {
        code
        for code, instrument in instruments.items()
        if str(instrument["instrument_type"]["code"]).upper() == instrument_type.upper()
    }
    if not candidates:
        raise ValidationError(f"instrument type {instrument_type} is not available at {key}")
    name = configuration.get("instrument_name") or ""
    if not name:
        if len(candidates) > 1:
            raise ValidationError(
                "There is more than one valid instrument on the specified telescope, please "
                f"select from: {_set_text(candidates)}"
            )
        (name,) = candidates
    elif name not in candidates:
        raise ValidationError(
            f"{name} is not an available {instrument_type} instrument on {key}, available "
            f"instruments are: {_set_text(candidates)}"
        )
    instrument = instruments[name]
    guided = any(
        str((configuration.get(part) or {}).get("mode") or "OFF").upper() != "OFF"
        for part in ("guiding_config", "acquisition_config")
    )
    guide = configuration.get("guide_camera_name") or ""
    if guided:
        autoguider = str((instrument.get("autoguider_camera") or {}).get("code", ""))
        self_guide = bool((configuration.get("extra_params") or {}).get("self_guide"))
        allowed = {autoguider} if autoguider else set()
        if bool(instrument["instrument_type"].get("allow_self_guiding", True)):
            allowed.add(name)
        if not guide:
            guide = name if self_guide else autoguider
        if guide not in allowed:
            raise ValidationError(f"Invalid guide camera {guide} for instrument {name}")
    else:
        guide = ""
    return {**configuration, "instrument_name": name, "guide_camera_name": guide}


def validate_direct(item: Any, *, user: Any) -> dict[str, Any]:
    """Field and rule checks of one item; raises ``ValidationError`` with its error tree."""
    from openocs.web.exceptions import compatible_errors

    if not isinstance(item, Mapping):
        raise ValidationError({"non_field_errors": ["Invalid data. Expected a dictionary."]})
    configuration = cast(
        PortalConfiguration, _UnrestrictedConfiguration(load_portal_configuration())
    )
    context = ValidationContext(user=user, _configuration=configuration)
    serializer = DirectSubmissionSerializer(data=item, context={"ocs": context})
    if not serializer.is_valid():
        raise ValidationError(compatible_errors(serializer.errors, serializer.initial_data))
    data: dict[str, Any] = serializer.validated_data
    return data


@transaction.atomic
def direct_submit(*, data: dict[str, Any], user: Any) -> Observation:
    """Create the DIRECT group, its request, configurations, the observation and statuses."""
    group = RequestGroup.objects.create(
        submitter=user,
        proposal=data["proposal"],
        name=data["name"],
        observation_type="DIRECT",
        operator="SINGLE",
        ipp_value=1.0,
    )
    request_data = data["request"]
    request = Request.objects.create(
        request_group=group,
        observation_note=request_data.get("observation_note", ""),
        acceptability_threshold=request_data["acceptability_threshold"],
        configuration_repeats=request_data["configuration_repeats"],
        extra_params=request_data.get("extra_params") or {},
        duration=data["duration"],
    )
    placed = request_data["configurations"]
    configurations = [
        _create_configuration(request, {**configuration, "priority": index + 1})
        for index, configuration in enumerate(placed)
    ]
    observation = observation_create(
        data={
            "request": request,
            "site": data["site"],
            "enclosure": data["enclosure"],
            "telescope": data["telescope"],
            "start": data["start"],
            "end": data["end"],
            "priority": data["priority"],
            "configuration_statuses": [
                {
                    "configuration": configuration,
                    "instrument_name": given["instrument_name"],
                    "guide_camera_name": given["guide_camera_name"],
                }
                for _ in range(request.configuration_repeats)
                for configuration, given in zip(configurations, placed, strict=True)
            ],
        }
    )
    mark_changed(telescope_class=None)
    events.requestgroup_submitted(group=group)
    return observation


@transaction.atomic
def direct_submit_many(*, items: list[dict[str, Any]], user: Any) -> list[Observation]:
    """All validated items, or none."""
    return [direct_submit(data=item, user=user) for item in items]
