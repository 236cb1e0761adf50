"""Wire shapes of proposals, semesters, memberships, invitations (spec §19) — rendering only."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from rest_framework import serializers

from openocs.portal.proposals.models import (
    Membership,
    Proposal,
    ProposalInvite,
    Semester,
    TimeAllocation,
)


class UtcDateTimeField(serializers.DateTimeField):
    """``YYYY-MM-DDTHH:MM:SSZ`` with microseconds only when non-zero (spec README §4.5)."""

    def to_representation(self, value: Any) -> Any:
        if value is None:
            return None
        text: str = value.astimezone(UTC).isoformat()
        return text.replace("+00:00", "Z")


class SemesterSerializer(serializers.ModelSerializer[Semester]):
    start = UtcDateTimeField()
    end = UtcDateTimeField()

    class Meta:
        model = Semester
        fields = ("id", "start", "end")


class TimeAllocationSerializer(serializers.ModelSerializer[TimeAllocation]):
    semester = serializers.CharField(source="semester_id")
    proposal = serializers.CharField(source="proposal_id")

    class Meta:
        model = TimeAllocation
        fields = (
            "id",
            "semester",
            "proposal",
            "instrument_types",
            "std_allocation",
            "std_time_used",
            "rr_allocation",
            "rr_time_used",
            "tc_allocation",
            "tc_time_used",
            "realtime_allocation",
            "realtime_time_used",
            "ipp_limit",
            "ipp_time_available",
        )
        read_only_fields = fields


def _institution(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return str(getattr(profile, "institution", "") or "")


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    """The list/detail shape; relies on the prefetches of ``selectors.proposal_list_queryset``."""

    sca = serializers.CharField(source="sca_id", allow_null=True)
    tags = serializers.SerializerMethodField()
    pis = serializers.SerializerMethodField()
    requestgroup_count = serializers.SerializerMethodField()
    coi_count = serializers.SerializerMethodField()
    timeallocation_set = TimeAllocationSerializer(many=True)

    class Meta:
        model = Proposal
        fields = (
            "id",
            "active",
            "title",
            "abstract",
            "tac_priority",
            "tac_rank",
            "sca",
            "public",
            "non_science",
            "direct_submission",
            "tags",
            "pis",
            "requestgroup_count",
            "coi_count",
            "timeallocation_set",
        )
        read_only_fields = fields

    def get_tags(self, proposal: Proposal) -> list[str]:
        return sorted(tag.name for tag in proposal.tags.all())

    def get_pis(self, proposal: Proposal) -> list[dict[str, str]]:
        return [
            {
                "first_name": m.user.first_name,
                "last_name": m.user.last_name,
                "username": m.user.username,
                "email": m.user.email,
                "institution": _institution(m.user),
            }
            for m in proposal.membership_set.all()
            if m.role == Membership.PI
        ]

    def get_requestgroup_count(self, proposal: Proposal) -> int:
        return int(getattr(proposal, "requestgroup_count", 0))

    def get_coi_count(self, proposal: Proposal) -> int:
        return sum(1 for m in proposal.membership_set.all() if m.role == Membership.CI)


class SemesterAllocationSerializer(TimeAllocationSerializer):
    """An allocation of ``/api/semesters/{id}/timeallocations/`` with its proposal summary."""

    proposal = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta(TimeAllocationSerializer.Meta):
        pass

    def get_proposal(self, allocation: TimeAllocation) -> dict[str, Any]:
        proposal = allocation.proposal
        return {
            "notes": proposal.notes,
            "id": proposal.id,
            "tac_priority": proposal.tac_priority,
            "num_users": getattr(allocation, "num_users", 0),
            "tags": sorted(tag.name for tag in proposal.tags.all()),
            "pis": [
                {"first_name": m.user.first_name, "last_name": m.user.last_name}
                for m in getattr(proposal, "pi_memberships", [])
            ],
        }


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    username = serializers.CharField(source="user.username")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    email = serializers.CharField(source="user.email")
    proposal = serializers.CharField(source="proposal_id")
    time_used_by_user = serializers.SerializerMethodField()
    simple_interface = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = (
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "proposal",
            "time_limit",
            "time_used_by_user",
            "simple_interface",
        )
        read_only_fields = fields

    def get_time_used_by_user(self, membership: Membership) -> float:
        used: dict[tuple[int, str], float] = self.context.get("time_used", {})
        return float(used.get((membership.user_id, membership.proposal_id), 0.0))

    def get_simple_interface(self, membership: Membership) -> bool:
        profile = getattr(membership.user, "profile", None)
        return bool(getattr(profile, "simple_interface", False))


class InvitationSerializer(serializers.ModelSerializer[ProposalInvite]):
    proposal = serializers.CharField(source="proposal_id")
    sent = UtcDateTimeField()
    used = UtcDateTimeField()

    class Meta:
        model = ProposalInvite
        fields = ("id", "role", "email", "time_limit", "sent", "used", "proposal")
        read_only_fields = fields


class NotificationInputSerializer(serializers.Serializer[Any]):
    enabled = serializers.BooleanField()


class InviteInputSerializer(serializers.Serializer[Any]):
    emails = serializers.ListField(child=serializers.EmailField(), allow_empty=False)
    time_limit = serializers.IntegerField(required=False, default=-1)

    def validate_time_limit(self, value: int) -> int:
        if value < -1:
            raise serializers.ValidationError(
                "Field time_limit must either be a positive integer or -1 (no limit)"
            )
        return value


# The largest time limit a membership holds: its seconds fill a signed 32-bit column.
MAX_TIME_LIMIT_HOURS = (2**31 - 1) // 3600


class TimeLimitInputSerializer(serializers.Serializer[Any]):
    """A co-investigator's time limit: the body of POST /api/memberships/{id}/limit/ (one
    member) and POST /api/proposals/{id}/globallimit/ (every co-investigator)."""

    time_limit_hours = serializers.FloatField(
        min_value=0,
        max_value=MAX_TIME_LIMIT_HOURS,
        help_text="The co-investigator's time limit on the proposal, in hours (0 or more).",
    )


class ProposalMessageSerializer(serializers.Serializer[Any]):
    """The answer of the proposal and membership actions."""

    message = serializers.CharField()
