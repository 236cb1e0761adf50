"""The compatible frame JSON (spec §4.3) and the registration payload (spec §5.1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from openocs.archive import conf
from openocs.archive.files import download_url
from openocs.archive.models import Frame, Thumbnail, Version

LEGACY_ALIASES = {
    "DATE_OBS": "observation_date", "DAY_OBS": "observation_day", "PROPID": "proposal_id",
    "INSTRUME": "instrument_id", "OBJECT": "target_name", "RLEVEL": "reduction_level",
    "SITEID": "site_id", "TELID": "telescope_id", "EXPTIME": "exposure_time",
    "FILTER": "primary_optical_element", "L1PUBDAT": "public_date",
    "OBSTYPE": "configuration_type", "BLKUID": "observation_id", "REQNUM": "request_id",
}  # fmt: skip


def format_datetime(value: datetime | None) -> str | None:
    """README §4.5: ``YYYY-MM-DDTHH:MM:SSZ`` with microseconds only when not zero."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


def format_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def version_json(version: Version, request: Request | None) -> dict[str, Any]:
    return {
        "id": version.id,
        "key": version.key,
        "md5": version.md5,
        "extension": version.extension,
        "url": download_url(request, version.path, version.key) if version.path else None,
        "created": format_datetime(version.created),
    }


def thumbnail_json(thumbnail: Thumbnail, request: Request | None) -> dict[str, Any]:
    return {
        "id": thumbnail.id,
        "frame": thumbnail.frame_id,
        "size": thumbnail.size,
        "basename": thumbnail.basename,
        "extension": thumbnail.extension,
        "key": thumbnail.key,
        "url": download_url(request, thumbnail.path, thumbnail.key),
        "created": format_datetime(thumbnail.created),
    }


def frame_json(
    frame: Frame,
    request: Request | None,
    *,
    related: bool = True,
    thumbnails: bool = False,
) -> dict[str, Any]:
    """One frame in the compatible shape; prefetch versions (and related, thumbnails)."""
    versions = list(frame.version_set.all())
    newest = versions[0] if versions else None
    data: dict[str, Any] = {
        "id": frame.id,
        "basename": frame.basename,
        "observation_date": format_datetime(frame.observation_date),
        "observation_day": format_date(frame.observation_day),
        "proposal_id": frame.proposal_id,
        "instrument_id": frame.instrument_id,
        "target_name": frame.target_name,
        "reduction_level": frame.reduction_level,
        "site_id": frame.site_id,
        "telescope_id": frame.telescope_id,
        "exposure_time": frame.exposure_time,
        "primary_optical_element": frame.primary_optical_element,
        "public_date": format_datetime(frame.public_date),
        "configuration_type": frame.configuration_type,
        "observation_id": frame.observation_id,
        "request_id": frame.request_id,
    }
    version_set = [version_json(v, request) for v in versions]
    data["version_set"] = version_set
    data["url"] = version_set[0]["url"] if version_set else None
    data["filename"] = f"{frame.basename}{newest.extension}" if newest else None
    if frame.area:
        data["area"] = frame.area
    if related:
        data["related_frames"] = [f.id for f in frame.related_frames.all()]
    if thumbnails:
        data["thumbnails"] = [thumbnail_json(t, request) for t in frame.thumbnails.all()]
    for alias, name in LEGACY_ALIASES.items():
        data[alias] = data[name]
    return data


class VersionInputSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(max_length=255)
    md5 = serializers.RegexField(r"^[0-9a-fA-F]{32}$", max_length=32)
    extension = serializers.CharField(max_length=20)
    path = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    def validate_md5(self, value: str) -> str:
        return value.lower()  # duplicates are refused by services.frame_register


class DayField(serializers.DateField):
    """``YYYYMMDD`` or ISO dates."""

    def to_internal_value(self, value: Any) -> date:
        text = str(value).strip()
        if len(text) == 8 and text.isdigit():
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        return super().to_internal_value(text)


def validate_polygon(value: Any) -> dict[str, Any] | None:
    from openocs.archive import sky

    if value in (None, "", {}):
        return None
    try:
        if isinstance(value, str):
            import json

            value = json.loads(value)
        if value.get("type") != "Polygon":
            raise ValueError("not a Polygon")
        sky.footprint_from_ring(value["coordinates"][0])
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise serializers.ValidationError(f"Invalid polygon: {value}") from None
    return dict(value)


class FrameRegistrationSerializer(serializers.Serializer[Any]):
    """The body of ``POST frames/`` (spec §5.1)."""

    basename = serializers.CharField(max_length=1000)
    observation_date = serializers.DateTimeField(required=False, allow_null=True)
    observation_day = DayField()
    proposal_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    instrument_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    target_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    reduction_level = serializers.IntegerField(required=False, default=0)
    site_id = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
    telescope_id = serializers.CharField(max_length=4, required=False, allow_blank=True, default="")
    exposure_time = serializers.FloatField(required=False, allow_null=True)
    primary_optical_element = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    public_date = serializers.DateTimeField(required=False, allow_null=True)
    configuration_type = serializers.CharField(max_length=20)
    observation_id = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    request_id = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    area = serializers.JSONField(required=False, allow_null=True)
    version_set = VersionInputSerializer(many=True)
    headers = serializers.DictField(write_only=True)
    related_frame_filenames = serializers.ListField(
        child=serializers.CharField(max_length=1000, allow_blank=True), write_only=True
    )

    def validate_configuration_type(self, value: str) -> str:
        if value not in conf.known_configuration_types():
            raise serializers.ValidationError(f'"{value}" is not a valid choice.')
        return value

    def validate_area(self, value: Any) -> dict[str, Any] | None:
        return validate_polygon(value)

    def validate_version_set(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        md5s = [v["md5"] for v in value]
        if len(set(md5s)) != len(md5s):
            raise serializers.ValidationError("Each version needs its own md5.")
        return value


class FrameUpdateSerializer(serializers.Serializer[Any]):
    """``PATCH``/``PUT frames/{id}/``: business fields only (spec §5.3)."""

    observation_date = serializers.DateTimeField(required=False, allow_null=True)
    observation_day = DayField(required=False)
    proposal_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    instrument_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    target_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reduction_level = serializers.IntegerField(required=False)
    site_id = serializers.CharField(max_length=3, required=False, allow_blank=True)
    telescope_id = serializers.CharField(max_length=4, required=False, allow_blank=True)
    exposure_time = serializers.FloatField(required=False, allow_null=True)
    primary_optical_element = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    public_date = serializers.DateTimeField(required=False, allow_null=True)
    configuration_type = serializers.CharField(max_length=20, required=False)
    observation_id = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    request_id = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    area = serializers.JSONField(required=False, allow_null=True)

    def validate_area(self, value: Any) -> dict[str, Any] | None:
        return validate_polygon(value)

    def validate_configuration_type(self, value: str) -> str:
        if value not in conf.known_configuration_types():
            raise serializers.ValidationError(f'"{value}" is not a valid choice.')
        return value


class ThumbnailRegistrationSerializer(FrameRegistrationSerializer):
    """The body of ``POST thumbnails/`` (spec §8): a frame-shaped payload plus the thumbnail."""

    basename = serializers.CharField(max_length=1000)
    frame_basename = serializers.CharField(max_length=1000)
    size = serializers.ChoiceField(choices=["small", "medium", "large"])
