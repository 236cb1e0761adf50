"""Per-item rules of observation creation (``portal-api.md`` §13.2), plus two checks beyond
the reference: no overlap with another scheduled observation on the same telescope, and
configuration statuses that match the request's configurations and repeats."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from openocs.portal.observations.models import Observation, ObservationState
from openocs.portal.requestgroups.configuration import load_portal_configuration

ValidationError = serializers.ValidationError


def _iso(value: Any) -> str:
    return str(value.isoformat())


def _instruments_at(site: str, enclosure: str, telescope: str) -> dict[str, dict[str, Any]]:
    """Non-DISABLED instruments of one telescope by code, from the configdb document."""
    instruments: dict[str, dict[str, Any]] = {}
    for site_doc in load_portal_configuration().sites:
        if site_doc.get("code") != site:
            continue
        for enclosure_doc in site_doc.get("enclosure_set", []):
            if enclosure_doc.get("code") != enclosure:
                continue
            for telescope_doc in enclosure_doc.get("telescope_set", []):
                if telescope_doc.get("code") != telescope:
                    continue
                for instrument in telescope_doc.get("instrument_set", []):
                    if instrument.get("state") != "DISABLED":
                        instruments[str(instrument.get("code", ""))] = dict(instrument)
    return instruments


def _check_permission(request: Any, user: Any) -> None:
    if user.is_staff:
        return
    proposal = request.request_group.proposal
    if not (proposal.direct_submission and proposal.membership_set.filter(user=user).exists()):
        raise ValidationError(
            "Non staff users can only create or update observations on proposals they belong "
            "to that allow direct submission"
        )


def observation_rules(attrs: dict[str, Any], *, user: Any) -> dict[str, Any]:
    request = attrs["request"]
    _check_permission(request, user)
    start, end = attrs["start"], attrs["end"]
    if end <= start:
        raise ValidationError("End time must be after start time")
    windows = list(request.windows.all())
    if windows and not any(
        start.replace(microsecond=0) >= w.start.replace(microsecond=0) and end <= w.end
        for w in windows
    ):
        raise ValidationError(
            f"The start {_iso(start)} and end {_iso(end)} times do not fall within any window "
            "of the request"
        )
    key = f"{attrs['site']}.{attrs['enclosure']}.{attrs['telescope']}"
    location = getattr(request, "location", None)
    telescopes = {t.key: t for t in load_portal_configuration().telescopes}
    telescope = telescopes.get(key)
    if location is not None and (
        telescope is None
        or telescope.telescope_class != location.telescope_class
        or any(
            getattr(location, name) and getattr(location, name) != attrs[name]
            for name in ("site", "enclosure", "telescope")
        )
    ):
        raise ValidationError(f"{key} does not match the request location")
    instruments = _instruments_at(attrs["site"], attrs["enclosure"], attrs["telescope"])
    types_here = {str(i["instrument_type"]["code"]).upper() for i in instruments.values()}
    configurations = list(request.configurations.all())
    for configuration in configurations:
        if configuration.instrument_type.upper() not in types_here:
            raise ValidationError(
                f"Instrument type {configuration.instrument_type} not available at {key}"
            )
    expected = [c.id for c in configurations] * request.configuration_repeats
    given = [s["configuration"].id for s in attrs["configuration_statuses"]]
    if given != expected:
        raise ValidationError(
            "The configuration statuses must list the request's configurations in order, once "
            f"per configuration repeat: expected configurations {expected}, got {given}"
        )
    for status in attrs["configuration_statuses"]:
        name = status["instrument_name"]
        instrument = instruments.get(name)
        if instrument is None:
            raise ValidationError(f"Instrument {name} not available at {key}")
        guide = status.get("guide_camera_name") or ""
        if guide:
            autoguider = str((instrument.get("autoguider_camera") or {}).get("code", ""))
            self_guide = bool(instrument["instrument_type"].get("allow_self_guiding", True))
            if guide != autoguider and not (self_guide and guide == name):
                raise ValidationError(f"{guide} is not a valid guide camera for {name}")
    overlapping = Observation.objects.filter(
        site=attrs["site"],
        enclosure=attrs["enclosure"],
        telescope=attrs["telescope"],
        state__in=[ObservationState.PENDING, ObservationState.IN_PROGRESS],
        start__lt=end,
        end__gt=start,
    ).first()
    if overlapping is not None:
        raise ValidationError(
            f"The observation overlaps observation {overlapping.id} scheduled on {key} from "
            f"{_iso(overlapping.start)} to {_iso(overlapping.end)}"
        )
    return attrs
