"""Request parsing and response shapes of the accounts API (spec portal §18)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from openocs.portal.accounts.models import Profile
from openocs.portal.accounts.services import BULK_USERS_MAX


class ProfileSerializer(serializers.ModelSerializer[Profile]):
    """The ``profile`` sub-object of ``/api/profile/``."""

    api_quota = serializers.SerializerMethodField()
    sciencecollaborationallocation = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = (
            "education_user",
            "notifications_enabled",
            "notifications_on_authored_only",
            "simple_interface",
            "view_authored_requests_only",
            "title",
            "staff_view",
            "institution",
            "api_quota",
            "terms_accepted",
            "sciencecollaborationallocation",
            "password_expiration",
        )
        read_only_fields = ("terms_accepted", "password_expiration")

    def get_api_quota(self, profile: Profile) -> dict[str, Any]:
        quota: dict[str, Any] = self.context["api_quota"]
        return quota

    def get_sciencecollaborationallocation(self, profile: Profile) -> dict[str, Any] | None:
        collaboration: dict[str, Any] | None = self.context["sciencecollaborationallocation"]
        return collaboration


class UserProfileSerializer(serializers.Serializer[Any]):
    """``GET/PUT/PATCH /api/profile/``: the user, the profile and the proposal facts.

    The computed parts (``proposals``, tokens, …) come from selectors via the view's context.
    Every writable field is optional, so PUT and PATCH both change only what they send.
    """

    username = serializers.CharField(read_only=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False)
    profile = ProfileSerializer(required=False)
    is_staff = serializers.BooleanField(read_only=True)
    is_superuser = serializers.BooleanField(read_only=True)
    proposals = serializers.SerializerMethodField()
    available_instrument_types = serializers.SerializerMethodField()
    tokens = serializers.SerializerMethodField()
    proposal_notifications = serializers.SerializerMethodField()

    def get_proposals(self, user: Any) -> list[dict[str, Any]]:
        proposals: list[dict[str, Any]] = self.context["proposals"]
        return proposals

    def get_available_instrument_types(self, user: Any) -> list[str]:
        types: list[str] = self.context["available_instrument_types"]
        return types

    def get_tokens(self, user: Any) -> dict[str, str]:
        tokens: dict[str, str] = self.context["tokens"]
        return tokens

    def get_proposal_notifications(self, user: Any) -> list[str]:
        ids: list[str] = self.context["proposal_notifications"]
        return ids

    def validate_profile(self, value: dict[str, Any]) -> dict[str, Any]:
        user = self.instance
        if value.get("staff_view") and not getattr(user, "is_staff", False):
            raise serializers.ValidationError({"staff_view": ["Must be staff to set staff_view"]})
        return value


class ApiLoginSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)


class AccountRemovalSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000)


class BulkUserSerializer(serializers.Serializer[Any]):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={
            "invalid": "Enter a valid username: letters, numbers and @/./+/-/_ characters."
        },
    )
    email = serializers.EmailField(max_length=254)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    institution = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    education_user = serializers.BooleanField(required=False, default=True)
    password = serializers.CharField(
        required=False, allow_blank=False, write_only=True, trim_whitespace=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "password" in attrs:
            try:
                validate_password(attrs["password"])
            except DjangoValidationError as error:
                raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs


class UsersBulkSerializer(serializers.Serializer[Any]):
    users = BulkUserSerializer(  # type: ignore[call-arg]  # DRF accepts max_length here
        many=True, allow_empty=False, max_length=BULK_USERS_MAX
    )
