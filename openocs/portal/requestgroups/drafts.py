"""Drafts of request groups (``portal-api.md`` §12): CRUD scoped to the caller's proposals."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from rest_framework import permissions, serializers, viewsets

from openocs.portal.proposals.models import Membership, Proposal
from openocs.portal.proposals.selectors import is_staff_view
from openocs.portal.requestgroups.models import Draft


class DraftSerializer(serializers.ModelSerializer[Draft]):
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all())

    class Meta:
        model = Draft
        fields = ("id", "author", "proposal", "title", "content", "created", "modified")
        read_only_fields = ("id", "author", "created", "modified")

    def validate_proposal(self, value: Proposal) -> Proposal:
        user = self.context["request"].user
        if not Membership.objects.filter(proposal=value, user=user).exists():
            raise serializers.ValidationError("You are not a member of that proposal")
        return value

    def validate_content(self, value: str) -> str:
        try:
            json.loads(value)
        except ValueError:
            raise serializers.ValidationError("Content must be valid JSON") from None
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        proposal = attrs.get("proposal", getattr(self.instance, "proposal", None))
        title = attrs.get("title", getattr(self.instance, "title", None))
        clash = Draft.objects.filter(author=user, proposal=proposal, title=title)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(
                "The fields author, proposal, title must make a unique set."
            )
        return attrs


def drafts_visible_to(user: Any) -> QuerySet[Draft]:
    """Drafts of ``user``'s proposals, newest first (staff view: every draft)."""
    queryset = Draft.objects.select_related("author", "proposal").order_by("-modified", "-id")
    if is_staff_view(user):
        return queryset
    user_id: Any = user.pk
    return queryset.filter(proposal__membership__user_id=user_id).distinct()


class DraftViewSet(viewsets.ModelViewSet[Draft]):
    """``/api/drafts/``: drafts of the caller's proposals (staff view: all)."""

    serializer_class = DraftSerializer
    permission_classes = [permissions.IsAuthenticated]

    # The schema's model, read without a request (get_queryset scopes every call).
    queryset = Draft.objects.none()

    def get_queryset(self) -> QuerySet[Draft]:
        return drafts_visible_to(self.request.user)

    def perform_create(self, serializer: DraftSerializer) -> None:  # type: ignore[override]
        serializer.save(author=self.request.user)
