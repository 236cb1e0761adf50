"""Parsing and rendering of downtime records (downtime-api.md §2). Rules live in services."""

from __future__ import annotations

from datetime import UTC, datetime

from rest_framework import serializers

from openocs.downtime.models import Downtime, DowntimeCategory


class WholeSecondDateTimeField(serializers.DateTimeField):
    """Input: README §4.5 forms (naive = UTC). Output: ``YYYY-MM-DDTHH:MM:SSZ``, whole seconds
    (the portal parses downtime datetimes with exactly that format)."""

    def to_representation(self, value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class DowntimeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    start = WholeSecondDateTimeField()
    end = WholeSecondDateTimeField()
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DowntimeCategory.objects.all(),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Downtime
        fields = [
            "id",
            "start",
            "end",
            "site",
            "enclosure",
            "telescope",
            "instrument_type",
            "reason",
            "category",
        ]
        extra_kwargs = {
            "instrument_type": {"required": False, "allow_blank": True},
            "reason": {"required": False, "allow_blank": True},
        }
        validators: list[object] = []  # the rules are in services.downtime_validate


class DowntimeCategorySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = DowntimeCategory
        fields = ["code", "name", "description"]


class OverlapResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Shape of ``api/overlaps/`` (documentation only; the view builds the dict)."""

    site = serializers.CharField()
    enclosure = serializers.CharField()
    telescope = serializers.CharField()
    instrument_type = serializers.CharField()
    start = WholeSecondDateTimeField()
    end = WholeSecondDateTimeField()
    overlapping = serializers.BooleanField()
    count = serializers.IntegerField()
    results = DowntimeSerializer(many=True)
