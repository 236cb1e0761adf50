"""The validation rules of a submission (``portal-api.md`` §4), driven by configdb's document.

Each function receives the already field-validated data of one object and either returns it
normalised (§3.10) or raises a DRF ``ValidationError`` whose placement is the object it belongs
to, so the error tree has exactly the contract's shape. No rule hard-codes an instrument: modes,
optical elements, configuration types and schemas all come from configdb.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from rest_framework import serializers

from openocs.portal.requestgroups import duration as durations
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.digest import LocationFilter
from openocs.portal.requestgroups.schemas import (
    apply_schema,
    render_details,
    reshape_configuration_errors,
)

ValidationError = serializers.ValidationError

MIN_IPP_VALUE = 0.5
MAX_IPP_VALUE = 2.0
DITHER_PATTERNS = ["line", "grid", "spiral", "custom"]
MOSAIC_PATTERNS = ["line", "grid", "custom"]


def proposal_time_overuse_allowance() -> float:
    return float(getattr(settings, "PROPOSAL_TIME_OVERUSE_ALLOWANCE", 1.1))


# --- extra_params -----------------------------------------------------------------------------


def _coerce_scalar(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    try:
        number = float(value)
    except ValueError:
        return value
    if (
        math.isfinite(number)
        and number.is_integer()
        and "." not in value
        and "e" not in value.lower()
    ):
        return int(number)
    return number


def coerce_extra_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``"true"``/``"false"`` → booleans, numeric strings → int or float (§3.10 item 7)."""
    return {key: _coerce_scalar(value) for key, value in params.items()}


# --- targets ----------------------------------------------------------------------------------

_REQUIRED_BY_TYPE = {
    "ICRS": ["ra", "dec"],
    "HOUR_ANGLE": ["hour_angle", "dec"],
    "SATELLITE": [
        "altitude",
        "azimuth",
        "diff_altitude_rate",
        "diff_azimuth_rate",
        "diff_epoch",
        "diff_altitude_acceleration",
        "diff_azimuth_acceleration",
    ],
    "ORBITAL_ELEMENTS": ["scheme", "epochofel", "orbinc", "longascnode", "eccentricity"],
}
_REQUIRED_BY_SCHEME = {
    "ASA_MAJOR_PLANET": ["longofperih", "meandist", "meanlong", "dailymot"],
    "ASA_MINOR_PLANET": ["argofperih", "meandist", "meananom"],
    "MPC_MINOR_PLANET": ["argofperih", "meandist", "meananom"],
    "ASA_COMET": ["argofperih", "perihdist", "epochofperih"],
    "JPL_MINOR_PLANET": ["argofperih", "perihdist", "epochofperih"],
    "MPC_COMET": ["argofperih", "perihdist", "epochofperih"],
    "JPL_MAJOR_PLANET": ["argofperih", "meandist", "meananom", "dailymot"],
}
_RANGES: dict[str, tuple[float | None, float | None]] = {
    "ra": (0.0, 360.0),
    "dec": (-90.0, 90.0),
    "proper_motion_ra": (None, 20000.0),
    "proper_motion_dec": (None, 20000.0),
    "parallax": (None, 2000.0),
    "epoch": (None, 2100.0),
    "altitude": (0.0, 90.0),
    "azimuth": (0.0, 360.0),
    "epochofel": (10000.0, 100000.0),
    "orbinc": (0.0, 180.0),
    "longascnode": (0.0, 360.0),
    "longofperih": (0.0, 360.0),
    "argofperih": (0.0, 360.0),
    "eccentricity": (0.0, None),
    "meananom": (0.0, 360.0),
    "epochofperih": (361.0, 240000.0),
}
_ICRS_DEFAULTS = {
    "proper_motion_ra": 0.0,
    "proper_motion_dec": 0.0,
    "parallax": 0.0,
    "epoch": 2000.0,
}
TARGET_FIELDS_BY_TYPE = {
    "ICRS": ["ra", "dec", *_ICRS_DEFAULTS],
    "HOUR_ANGLE": ["hour_angle", "dec", *_ICRS_DEFAULTS],
    "SATELLITE": _REQUIRED_BY_TYPE["SATELLITE"],
    "ORBITAL_ELEMENTS": [
        "scheme",
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
    ],
}


def target_required_fields(target_type: str, scheme: str | None = None) -> list[str]:
    """The fields a target of ``target_type`` (and orbital ``scheme``) must give (§3.9)."""
    required = list(_REQUIRED_BY_TYPE.get(target_type, []))
    if target_type == "ORBITAL_ELEMENTS" and scheme:
        required += _REQUIRED_BY_SCHEME.get(scheme, [])
    return required


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def target_rules(attrs: dict[str, Any]) -> dict[str, Any]:
    """Required fields and ranges of the target's type (§3.9); other types' fields dropped."""
    target_type = attrs["type"]
    required = target_required_fields(target_type, attrs.get("scheme"))
    errors: dict[str, list[str]] = {}
    for name in required:
        if attrs.get(name) is None:
            errors[name] = ["This field is required"]
    for name in TARGET_FIELDS_BY_TYPE[target_type]:
        value = attrs.get(name)
        if value is None or name == "scheme" or name not in _RANGES:
            continue
        low, high = _RANGES[name]
        if low is not None and value < low:
            errors.setdefault(name, []).append(
                f"Ensure this value is greater than or equal to {_format_number(low)}."
            )
        if high is not None and value > high:
            errors.setdefault(name, []).append(
                f"Ensure this value is less than or equal to {_format_number(high)}."
            )
    if errors:
        raise ValidationError(errors)
    scheme = attrs.get("scheme") or ""
    eccentricity = attrs.get("eccentricity")
    if (
        target_type == "ORBITAL_ELEMENTS"
        and "COMET" not in scheme
        and eccentricity is not None
        and eccentricity > 0.9
    ):
        raise ValidationError(
            {
                "scheme": [
                    f"ORBITAL_ELEMENTS pointing of scheme {scheme} requires eccentricity to be "
                    f"lower than 0.9. Submit with scheme MPC_COMET to use your eccentricity of "
                    f"{eccentricity}."
                ]
            }
        )
    cleaned: dict[str, Any] = {
        "type": target_type,
        "name": attrs["name"],
        "extra_params": attrs.get("extra_params", {}),
    }
    for name in TARGET_FIELDS_BY_TYPE[target_type]:
        if attrs.get(name) is not None:
            cleaned[name] = attrs[name]
    if target_type in ("ICRS", "HOUR_ANGLE"):
        for name, default in _ICRS_DEFAULTS.items():
            if not cleaned.get(name):  # absent, null or 0 → the default (§3.9)
                cleaned[name] = default
    return cleaned


# --- instrument types, configuration types and modes -----------------------------------------


def check_instrument_type_offered(value: str, ocs: ValidationContext) -> str:
    offered = ocs.configuration.offered_instrument_types(staff=ocs.is_staff)
    if value.upper() not in offered:
        raise ValidationError(
            f"Invalid instrument type {value}. Valid instruments may include: {', '.join(offered)}"
        )
    return value


def check_configuration_type_known(value: str, ocs: ValidationContext) -> str:
    if value.upper() not in ocs.configuration.configuration_type_codes():
        raise ValidationError(f'"{value}" is not a valid choice.')
    return value.upper()


def resolve_mode(
    kind: str, group: Mapping[str, Any] | None, given: str | None, instrument_type: str
) -> tuple[str | None, dict[str, Any] | None]:
    """(mode code, mode object) chosen for ``kind`` per §4.2 steps 1–3; raises on a bad choice."""
    modes = list((group or {}).get("modes", []))
    if given:
        for mode in modes:
            if str(mode.get("code", "")).lower() == given.lower() and mode.get("schedulable", True):
                return str(mode["code"]), dict(mode)
        if (
            kind == "acquisition"
            and given.upper() == "OFF"
            and not any(str(m.get("code", "")).upper() == "OFF" for m in modes)
        ):
            return "OFF", None
        raise ValidationError(
            f"{kind.capitalize()} mode {given} is not available for instrument type "
            f"{instrument_type}"
        )
    if len(modes) == 1:
        return str(modes[0]["code"]), dict(modes[0])
    default = str((group or {}).get("default") or "")
    if default:
        for mode in modes:
            if str(mode.get("code", "")).lower() == default.lower():
                return str(mode["code"]), dict(mode)
    if len(modes) > 1:
        codes = ", ".join(str(m["code"]) for m in modes)
        raise ValidationError(f"Must set a {kind} mode, choose from {codes}")
    if kind == "acquisition":
        return "OFF", None
    return None, None


def _apply_mode_schema(
    kind: str, mode_code: str | None, mode: Mapping[str, Any] | None, document: dict[str, Any]
) -> dict[str, Any]:
    schema = (mode or {}).get("validation_schema") or {}
    normalised, errors = apply_schema(schema, document)
    if errors:
        raise ValidationError(
            f"{kind.capitalize()} mode {mode_code} requirements are not met: "
            f"{render_details(errors)}"
        )
    return normalised


def _check_optical_elements(
    ic: dict[str, Any],
    groups: Mapping[str, list[dict[str, Any]]],
    instrument_type: str,
    requires_optical_elements: bool,
) -> dict[str, str]:
    canonical: dict[str, str] = {}
    for key, value in (ic.get("optical_elements") or {}).items():
        if key not in groups:
            raise ValidationError(
                f"optical_element of type {key} is not available on {instrument_type} instruments"
            )
        codes = {str(e["code"]).lower(): str(e["code"]) for e in groups[key]}
        if str(value).lower() not in codes:
            raise ValidationError(f"optical element {value} of type {key} is not available")
        canonical[key] = codes[str(value).lower()]
    if requires_optical_elements:
        for key in groups:
            if key not in canonical:
                raise ValidationError(
                    f"Must set optical element of type {key} for instrument type {instrument_type}"
                )
    return canonical


def _check_rois(ic: dict[str, Any], instrument_type: str, ocs: ValidationContext) -> list[Any]:
    rois = list(ic.get("rois") or [])
    if not rois:
        return []
    max_rois, pixels_x, pixels_y = ocs.configuration.max_rois_and_pixels(instrument_type)
    if len(rois) > max_rois:
        raise ValidationError(
            f"Instrument type {instrument_type} supports up to {max_rois} regions of interest"
        )
    completed = []
    for roi in rois:
        if all(roi.get(k) is None for k in ("x1", "x2", "y1", "y2")):
            raise ValidationError("Must submit at least one bound for a region of interest")
        full = {
            "x1": roi.get("x1") if roi.get("x1") is not None else 0,
            "x2": roi.get("x2") if roi.get("x2") is not None else pixels_x,
            "y1": roi.get("y1") if roi.get("y1") is not None else 0,
            "y2": roi.get("y2") if roi.get("y2") is not None else pixels_y,
        }
        if full["x1"] >= full["x2"] or full["y1"] >= full["y2"]:
            raise ValidationError("Region of interest pixels start must be less than pixels end")
        if full["x2"] > pixels_x or full["y2"] > pixels_y:
            raise ValidationError(
                f"Regions of interest for instrument type {instrument_type} must be in range "
                f"0<=x<={pixels_x} and 0<=y<={pixels_y}"
            )
        completed.append(full)
    return completed


def configuration_rules(attrs: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    """Configuration rules of §4.3, in order; normalisations 2–4 and 8 of §3.10."""
    instrument_type = attrs["instrument_type"]
    entry = ocs.configuration.digest(staff=True).get(instrument_type.upper())
    if entry is None:  # the field check already reported it
        raise ValidationError(f"Invalid instrument type {instrument_type}.")
    modes = entry["modes"]
    # 1. guiding
    guiding = dict(attrs["guiding_config"])
    code, mode = resolve_mode("guiding", modes.get("guiding"), guiding.get("mode"), instrument_type)
    if code is not None:
        guiding["mode"] = code
        guiding = _apply_mode_schema("guiding", code, mode, guiding)
    else:
        guiding.setdefault("mode", "OFF")
    # 2. configuration type
    config_type = attrs["type"]
    properties = {k.upper(): v for k, v in entry["configuration_types"].items()}.get(config_type)
    if properties is None:
        raise ValidationError(
            f"configuration type {config_type} is not valid for instrument type {instrument_type}"
        )
    if not properties.get("schedulable", True):
        raise ValidationError(
            f"configuration type {config_type} is not schedulable for instrument type "
            f"{instrument_type}"
        )
    # 3. acquisition
    acquisition = dict(attrs["acquisition_config"])
    if properties.get("force_acquisition_off"):
        acquisition["mode"] = "OFF"
    else:
        code, mode = resolve_mode(
            "acquisition", modes.get("acquisition"), acquisition.get("mode"), instrument_type
        )
        acquisition["mode"] = code or "OFF"
        if mode is not None:
            acquisition = _apply_mode_schema("acquisition", code, mode, acquisition)
    attrs = {**attrs, "guiding_config": guiding, "acquisition_config": acquisition}
    # 4. instrument-type and configuration-type schemas on the whole configuration
    for schema in (entry.get("validation_schema") or {}, properties.get("validation_schema") or {}):
        normalised, errors = apply_schema(schema, attrs)
        if errors:
            raise ValidationError(reshape_configuration_errors(errors))
        attrs = normalised
    # 5. instrument configs
    groups = ocs.configuration.optical_element_groups(instrument_type)
    instrument_configs = []
    for ic in attrs["instrument_configs"]:
        ic = dict(ic)
        code, mode = resolve_mode("readout", modes.get("readout"), ic.get("mode"), instrument_type)
        ic["mode"] = code or ""
        if mode is not None:
            ic = _apply_mode_schema("readout", code, mode, ic)
        if "rotator" in modes:
            code, mode = resolve_mode(
                "rotator", modes["rotator"], ic.get("rotator_mode"), instrument_type
            )
            ic["rotator_mode"] = code or ""
            if mode is not None:
                ic = _apply_mode_schema("rotator", code, mode, ic)
        ic["optical_elements"] = _check_optical_elements(
            ic, groups, instrument_type, bool(properties.get("requires_optical_elements", True))
        )
        ic["rois"] = _check_rois(ic, instrument_type, ocs)
        if "exposure" in modes:
            extra = dict(ic.get("extra_params") or {})
            code, mode = resolve_mode(
                "exposure", modes["exposure"], extra.get("exposure_mode"), instrument_type
            )
            if code is not None:
                extra["exposure_mode"] = code
                ic["extra_params"] = extra
                if mode is not None:
                    ic = _apply_mode_schema("exposure", code, mode, ic)
        ic.setdefault("rotator_mode", "")
        instrument_configs.append(ic)
    attrs["instrument_configs"] = instrument_configs
    # 6. scripts
    extra_params = dict(attrs.get("extra_params") or {})
    if config_type == "SCRIPT" and not extra_params.get("script_name"):
        raise ValidationError(
            "Must specify a script_name in extra_params for SCRIPT configuration type"
        )
    # 7. repeats
    repeat_duration = attrs.get("repeat_duration")
    if "REPEAT" in config_type:
        if repeat_duration is None:
            raise ValidationError(
                f"Must specify a configuration repeat_duration for {config_type} type "
                "configurations."
            )
        overheads = ocs.configuration.overheads[instrument_type.upper()]
        minimum = sum(
            durations.instrument_config_duration_s(ic, overheads) for ic in instrument_configs
        )
        if repeat_duration < minimum:
            raise ValidationError(
                f"Configuration repeat_duration of {repeat_duration} is less than the minimum of "
                f"{minimum} required to repeat at least once"
            )
    elif repeat_duration is not None:
        raise ValidationError(
            "You may only specify a repeat_duration for REPEAT_* type configurations."
        )
    # 8. dither
    pattern = extra_params.get("dither_pattern")
    has_offsets = any(
        (ic.get("extra_params") or {}).get("offset_ra")
        or (ic.get("extra_params") or {}).get("offset_dec")
        for ic in instrument_configs
    )
    if pattern:
        if not has_offsets:
            raise ValidationError(
                f"You set a dither pattern of {pattern} but did not supply any non-zero dither "
                "offsets. You must specify offset_ra and/or offset_dec fields in the extra_params "
                "in one or more instrument_configs to create a dither pattern."
            )
        if pattern not in DITHER_PATTERNS:
            raise ValidationError(
                f"Invalid dither pattern {pattern} set in the configuration extra_params, choose "
                "from line, grid, spiral, custom"
            )
    elif has_offsets:
        extra_params["dither_pattern"] = "custom"
    attrs["extra_params"] = extra_params
    attrs["instrument_type"] = instrument_type
    return attrs


# --- locations and windows ----------------------------------------------------------------------


def check_telescope_class(value: str, ocs: ValidationContext) -> str:
    if value not in ocs.configuration.telescope_classes:
        raise ValidationError(f'"{value}" is not a valid choice.')
    return value


def location_rules(attrs: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    site, enclosure, telescope = (attrs.get(k, "") for k in ("site", "enclosure", "telescope"))
    configuration = ocs.configuration
    if site and site not in configuration.site_codes():
        choices = ", ".join(configuration.site_codes())
        raise ValidationError(f"Site {site} not valid. Valid choices: {choices}")
    if enclosure:
        if not site:
            raise ValidationError("Must specify a site with an enclosure.")
        choices_list = configuration.enclosure_codes(site)
        if enclosure not in choices_list:
            raise ValidationError(
                f"Enclosure {enclosure} not valid. Valid choices: {', '.join(choices_list)}"
            )
    if telescope:
        if not enclosure:
            raise ValidationError("Must specify an enclosure with a telescope.")
        choices_list = configuration.telescope_codes(site, enclosure)
        if telescope not in choices_list:
            raise ValidationError(
                f"Telescope {telescope} not valid. Valid choices: {', '.join(choices_list)}"
            )
    return attrs


def window_rules(attrs: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    start = attrs.get("start") or ocs.now
    end = attrs["end"]
    if end <= start:
        raise ValidationError(f"Window end '{end}' cannot be earlier than window start '{start}'")
    if ocs.semester_for(start, end) is None:
        raise ValidationError("The observation window does not fit within any defined semester.")
    return {"start": start, "end": end}


def check_windows_in_one_semester(
    windows: list[dict[str, Any]], ocs: ValidationContext
) -> list[dict[str, Any]]:
    semesters = {ocs.semester_for(w["start"], w["end"]).pk for w in windows}
    if len(semesters) > 1:
        raise ValidationError("The observation windows must all be in the same semester")
    return windows


# --- requests -----------------------------------------------------------------------------------


def _location_text(location: Mapping[str, str]) -> str:
    return (
        f"site={location.get('site') or 'Any'}, enc={location.get('enclosure') or 'Any'}, "
        f"tel={location.get('telescope') or 'Any'}"
    )


def _fully_specified(location: Mapping[str, str]) -> bool:
    return all(location.get(k) for k in ("telescope_class", "site", "enclosure", "telescope"))


def request_rules(attrs: dict[str, Any], ocs: ValidationContext, group_type: str) -> dict[str, Any]:
    """Request rules of §4.4 (visibility is checked by :func:`request_visibility_rules`)."""
    configurations = attrs["configurations"]
    scheduled = group_type not in ("DIRECT", "REAL_TIME")
    if scheduled:
        if "location" not in attrs:
            raise ValidationError({"location": ["This field is required."]})
        if not attrs.get("windows"):
            raise ValidationError({"windows": ["This field is required."]})
    location = attrs.get("location") or {}
    for index, configuration in enumerate(configurations, start=1):
        configuration["priority"] = index
    if scheduled:
        include_non_schedulable = ocs.is_staff and _fully_specified(location)
        digest = ocs.configuration.digest(
            staff=include_non_schedulable,
            location=LocationFilter(
                site=location.get("site", ""),
                enclosure=location.get("enclosure", ""),
                telescope=location.get("telescope", ""),
                telescope_class=location.get("telescope_class", ""),
            ),
        )
        for configuration in configurations:
            instrument_type = configuration["instrument_type"]
            if instrument_type.upper() not in digest:
                message = (
                    f"Invalid instrument type '{instrument_type}' at {_location_text(location)}. "
                    f"\nValid instruments include: {''.join(code + ', ' for code in digest)}."
                )
                if ocs.is_staff and not _fully_specified(location):
                    message += (
                        "\nStaff users must fully specify location to schedule on "
                        "non-SCHEDULABLE instruments"
                    )
                raise ValidationError(message)
    if attrs.get("acceptability_threshold") is None:
        thresholds = [
            float(
                ocs.configuration.digest(staff=True)
                .get(c["instrument_type"].upper(), {})
                .get("default_acceptability_threshold", 90.0)
            )
            for c in configurations
        ]
        attrs["acceptability_threshold"] = max(thresholds) if thresholds else 90.0
    mosaic = (attrs.get("extra_params") or {}).get("mosaic_pattern")
    if mosaic is not None and mosaic not in MOSAIC_PATTERNS:
        raise ValidationError(
            f"Invalid mosaic pattern {mosaic} set in the request extra_params, choose from "
            "line, grid, custom"
        )
    try:
        buckets = durations.request_duration_by_instrument_type_s(
            attrs, ocs.configuration.overheads
        )
    except durations.UnknownInstrumentTypeError as error:
        raise ValidationError(f"Invalid instrument type {error.instrument_type}.") from None
    attrs["duration_by_instrument_type"] = buckets
    attrs["duration"] = math.ceil(sum(buckets.values()))
    if scheduled:
        from openocs.portal.requestgroups.visibility import request_visibility_rules

        attrs = request_visibility_rules(attrs, ocs)
    return attrs


# --- groups -------------------------------------------------------------------------------------


def check_proposal_exists(value: str) -> Any:
    from openocs.portal.proposals.models import Proposal

    proposal = Proposal.objects.filter(pk=value).first()
    if proposal is None:
        raise ValidationError(f'Invalid pk "{value}" - object does not exist.')
    return proposal


def group_rules(attrs: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    """Group rules of §4.5, in order, then time allocation and IPP (§7)."""
    from openocs.portal.proposals.models import Membership

    proposal = attrs["proposal"]
    user = ocs.user
    membership = Membership.objects.filter(proposal=proposal, user=user).first()
    if membership is None:
        raise ValidationError("You do not belong to the proposal you are trying to submit with")
    if not proposal.active:
        raise ValidationError("The proposal you are trying to submit with is currently inactive")
    ipp_value = attrs["ipp_value"]
    if not MIN_IPP_VALUE <= ipp_value <= MAX_IPP_VALUE:
        raise ValidationError(
            f"requestgroups ipp_value must be >= {MIN_IPP_VALUE}, <= {MAX_IPP_VALUE}"
        )
    requests = attrs["requests"]
    if attrs["operator"] == "SINGLE" and len(requests) > 1:
        raise ValidationError("'Single' type requestgroups must have exactly one child request.")
    if attrs["operator"] == "MANY" and len(requests) == 1:
        raise ValidationError("'Many' type requestgroups must have more than one child request.")
    if membership.time_limit >= 0:
        from openocs.portal.requestgroups.selectors import time_used_by_user

        used_s = time_used_by_user(user=user, proposal_ids=[proposal.pk]).get(proposal.pk, 0.0)
        if used_s + sum(r["duration"] for r in requests) > membership.time_limit:
            raise ValidationError(
                "This request's duration will exceed the time limit set for your account on "
                "this proposal."
            )
    if attrs["observation_type"] in ("DIRECT", "REAL_TIME"):
        return attrs
    for request in requests:
        for configuration in request["configurations"]:
            if configuration["target"]["type"] == "HOUR_ANGLE":
                raise ValidationError(
                    "HOUR_ANGLE Target type not supported in scheduled observations"
                )
    from openocs.portal.requestgroups.allocation import check_time_allocation

    check_time_allocation(attrs, ocs)
    return attrs


def rapid_response_window_rules(attrs: Mapping[str, Any], now: datetime, duration_s: float) -> None:
    """RAPID_RESPONSE windows must start now and end within 24 h + duration (§7.2 item 3)."""
    for request in attrs["requests"]:
        for window in request.get("windows", []):
            if window["start"] > now:
                raise ValidationError(
                    "The Rapid Response observation window start time cannot be in the future."
                )
            if window["end"] > now + timedelta(seconds=duration_s) + timedelta(hours=24):
                raise ValidationError(
                    "A Rapid Response observation must start within the next 24 hours, so the "
                    "window end time must be within the next (24 hours + the observation duration)"
                )
