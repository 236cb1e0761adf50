"""Wire shapes of calls and science applications (spec §20): parse and render only."""

from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers
from rest_framework.reverse import reverse

from openocs.portal.proposals.models import Semester
from openocs.portal.proposals.serializers import UtcDateTimeField
from openocs.portal.sciapplications import conf
from openocs.portal.sciapplications.models import (
    Call,
    CoInvestigator,
    ScienceApplication,
    TimeRequest,
)


class CallSerializer(serializers.ModelSerializer[Call]):
    semester = serializers.CharField(source="semester_id")
    opens = UtcDateTimeField()
    deadline = UtcDateTimeField()
    eligible_semesters = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = (
            "id",
            "semester",
            "opens",
            "deadline",
            "call_url",
            "instruments",
            "proposal_type",
            "eligibility",
            "eligibility_short",
            "eligible_semesters",
        )
        read_only_fields = fields

    def get_eligible_semesters(self, call: Call) -> list[str]:
        return sorted(s.pk for s in call.eligible_semesters.all())


class TimeRequestSerializer(serializers.ModelSerializer[TimeRequest]):
    semester = serializers.PrimaryKeyRelatedField(queryset=Semester.objects.all())
    instrument_types = serializers.ListField(
        child=serializers.CharField(max_length=100), allow_empty=False
    )
    std_time = serializers.FloatField(min_value=0, default=0.0)
    rr_time = serializers.FloatField(min_value=0, default=0.0)
    tc_time = serializers.FloatField(min_value=0, default=0.0)

    class Meta:
        model = TimeRequest
        fields = (
            "id",
            "semester",
            "instrument_types",
            "std_time",
            "rr_time",
            "tc_time",
            "approved",
        )
        read_only_fields = ("id", "approved")


class CoInvestigatorSerializer(serializers.ModelSerializer[CoInvestigator]):
    class Meta:
        model = CoInvestigator
        fields = ("id", "email", "first_name", "last_name", "institution")
        read_only_fields = ("id",)


class JsonListField(serializers.ListField):
    """A list that also arrives as a JSON string (multipart forms cannot nest objects)."""

    def get_value(self, dictionary: Any) -> Any:
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            values = dictionary.getlist(self.field_name)
            if len(values) == 1 and isinstance(values[0], str):
                return values[0]  # a JSON document in one form field
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("not_a_list", input_type="invalid JSON")
        return super().to_internal_value(data)


class ApplicationTargetSerializer(serializers.Serializer[Any]):
    """One target of an application's list: a name and ICRS coordinates in degrees."""

    name = serializers.CharField(max_length=100)
    ra = serializers.FloatField(min_value=0.0, max_value=359.9999999)
    dec = serializers.FloatField(min_value=-90.0, max_value=90.0)


class ScienceApplicationSerializer(serializers.ModelSerializer[ScienceApplication]):
    """Read shape, and the input of create/update (the views hand the result to services)."""

    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all())
    status = serializers.ChoiceField(
        choices=[ScienceApplication.DRAFT, ScienceApplication.SUBMITTED],
        default=ScienceApplication.DRAFT,
    )
    tags = JsonListField(child=serializers.CharField(max_length=100), required=False)
    timerequest_set = JsonListField(child=TimeRequestSerializer(), required=False, write_only=True)
    coinvestigator_set = JsonListField(
        child=CoInvestigatorSerializer(), required=False, write_only=True
    )
    pdf = serializers.FileField(required=False, write_only=True)
    targets = JsonListField(child=ApplicationTargetSerializer(), required=False)
    created = UtcDateTimeField(read_only=True)
    modified = UtcDateTimeField(read_only=True)
    submitted = UtcDateTimeField(read_only=True)
    proposal = serializers.CharField(source="proposal_id", read_only=True)

    class Meta:
        model = ScienceApplication
        fields = (
            "id",
            "title",
            "call",
            "abstract",
            "pi",
            "pi_first_name",
            "pi_last_name",
            "pi_institution",
            "status",
            "tac_rank",
            "tac_priority",
            "pdf",
            "pdf_pages",
            "pdf_words",
            "targets",
            "tags",
            "timerequest_set",
            "coinvestigator_set",
            "created",
            "modified",
            "submitted",
            "proposal",
        )
        read_only_fields = ("id", "tac_rank", "tac_priority", "pdf_pages", "pdf_words")

    def validate_abstract(self, value: str) -> str:
        if len(value.split()) > conf.ABSTRACT_MAX_WORDS:
            raise serializers.ValidationError(
                f"Abstract is limited to {conf.ABSTRACT_MAX_WORDS} words."
            )
        return value

    def to_representation(self, instance: ScienceApplication) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        data["call"] = instance.call_id
        data["status"] = instance.status
        data["tags"] = list(instance.tags)
        data["targets"] = list(instance.targets)
        data["timerequest_set"] = TimeRequestSerializer(
            instance.timerequest_set.all(), many=True
        ).data
        data["coinvestigator_set"] = CoInvestigatorSerializer(
            instance.coinvestigator_set.all(), many=True
        ).data
        request = self.context.get("request")
        data["pdf"] = (
            reverse("scienceapplications-pdf", kwargs={"pk": instance.pk}, request=request)
            if instance.pdf
            else None
        )
        return data


class AcceptSerializer(serializers.Serializer[Any]):
    approved_timerequests = serializers.ListField(child=serializers.IntegerField(), required=False)
    tac_rank = serializers.IntegerField(min_value=0, required=False)
    tac_priority = serializers.IntegerField(min_value=0, required=False)
