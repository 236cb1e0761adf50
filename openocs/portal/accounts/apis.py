"""REST endpoints of the accounts app (spec portal §18); thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openocs.portal.accounts import selectors, services
from openocs.portal.accounts.errors import AccountError, BulkUserError
from openocs.portal.accounts.models import Profile
from openocs.portal.accounts.serializers import (
    AccountRemovalSerializer,
    ApiLoginSerializer,
    UserProfileSerializer,
    UsersBulkSerializer,
)
from openocs.web.authentication import api_token_expires
from openocs.web.parsers import JSONParser

_TRUE_STRINGS = {"1", "true", "yes", "on", "t", "y"}
_MESSAGE = inline_serializer("AccountMessage", fields={"message": serializers.CharField()})
_TOKEN = inline_serializer("ApiToken", fields={"token": serializers.CharField()})
_CREDENTIALS_ERROR = "Unable to log in with provided credentials."


class IsStaffOrProposalPI(permissions.BasePermission):
    """Staff, or the PI of at least one proposal."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(user.is_staff) or selectors.user_is_pi_of_any_proposal(user=user)


class ApiTokenAuthApi(APIView):
    """``POST /api/api-token-auth/``: the API token of a username (or e-mail) and password."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=ApiLoginSerializer, responses={200: _TOKEN})
    def post(self, request: Request) -> Response:
        credentials = ApiLoginSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=credentials.validated_data["username"],
            password=credentials.validated_data["password"],
        )
        if user is None:
            raise serializers.ValidationError({"non_field_errors": [_CREDENTIALS_ERROR]})
        token = services.api_token_get_or_create(user=user)
        return Response({"token": token.key})


class RevokeTokenApi(APIView):
    """``POST /api/revoke_token/``: replace the caller's API token."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: _MESSAGE})
    def post(self, request: Request) -> Response:
        services.api_token_revoke(user=request.user)  # type: ignore[arg-type]
        return Response({"message": "API token revoked."})


class RotateTokenApi(APIView):
    """``POST /api/rotate_token/``: replace the caller's API token and answer the new one (the
    old key stops working at once) with when it expires (``null``: never)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "RotatedApiToken",
                fields={
                    "token": serializers.CharField(),
                    "expires": serializers.DateTimeField(allow_null=True),
                },
            )
        },
    )
    def post(self, request: Request) -> Response:
        token = services.api_token_revoke(user=request.user)  # type: ignore[arg-type]
        expires = api_token_expires(token.created)
        return Response(
            {
                "token": token.key,
                "expires": serializers.DateTimeField().to_representation(expires)
                if expires is not None
                else None,
            }
        )


def _caller_pk(request: Request) -> int:
    pk = request.user.pk
    assert pk is not None  # noqa: S101  (IsAuthenticated ran)
    return int(pk)


def _profile_response(request: Request, *, user_pk: int) -> Response:
    user = selectors.user_with_profile(pk=user_pk)
    include_allocations = (
        request.query_params.get("include_current_time_allocations", "").strip().lower()
        in _TRUE_STRINGS
    )
    context = {
        "request": request,
        "proposals": selectors.profile_proposals(
            user=user, include_current_time_allocations=include_allocations
        ),
        "available_instrument_types": selectors.available_instrument_types(user=user),
        "tokens": {
            "api_token": services.api_token_get_or_create(user=user).key,
            "archive": services.archive_token_get_or_create(user=user),
        },
        "proposal_notifications": selectors.proposal_notifications(user=user),
        "api_quota": selectors.api_quota(user=user),
        "sciencecollaborationallocation": selectors.science_collaboration(user=user),
    }
    return Response(UserProfileSerializer(user, context=context).data)


class ProfileApi(APIView):
    """``GET/PUT/PATCH /api/profile/``: the caller's account, in the compatible shape."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: UserProfileSerializer})
    def get(self, request: Request) -> Response:
        return _profile_response(request, user_pk=_caller_pk(request))

    @extend_schema(request=UserProfileSerializer, responses={200: UserProfileSerializer})
    def put(self, request: Request) -> Response:
        return self._update(request)

    @extend_schema(request=UserProfileSerializer, responses={200: UserProfileSerializer})
    def patch(self, request: Request) -> Response:
        return self._update(request)

    def _update(self, request: Request) -> Response:
        user = selectors.user_with_profile(pk=_caller_pk(request))
        parsed = UserProfileSerializer(user, data=request.data, partial=True)
        parsed.is_valid(raise_exception=True)
        data = dict(parsed.validated_data)
        profile_fields = {
            name: value
            for name, value in (data.pop("profile", None) or {}).items()
            if name in services.PROFILE_WRITABLE_FIELDS
        }
        try:
            services.profile_update(user=user, user_fields=data, profile_fields=profile_fields)
        except AccountError as error:
            field = error.field or "non_field_errors"
            if field in services.PROFILE_WRITABLE_FIELDS:
                raise serializers.ValidationError({"profile": {field: [error.message]}}) from error
            raise serializers.ValidationError({field: [error.message]}) from error
        return _profile_response(request, user_pk=user.pk)


class AcceptTermsApi(APIView):
    """``POST /api/profile/accept_terms/``."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: _MESSAGE})
    def post(self, request: Request) -> Response:
        services.profile_accept_terms(user=request.user)  # type: ignore[arg-type]
        return Response({"message": "Terms accepted"})


class AccountRemovalRequestApi(APIView):
    """``POST /api/account_removal_request/``: e-mail support a request to delete the account."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AccountRemovalSerializer, responses={200: _MESSAGE})
    def post(self, request: Request) -> Response:
        parsed = AccountRemovalSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        services.account_removal_request(
            user=request.user,  # type: ignore[arg-type]
            reason=parsed.validated_data["reason"],
        )
        return Response({"message": "Account removal request successfully submitted."})


def _rows_as_list(errors: Any, data: Any) -> Any:
    """DRF 3.18 reports list items as ``{"<index>": …}``; the spec shape is ``[{}, {…}]``."""
    rows = errors.get("users")
    submitted = data.get("users") if isinstance(data, dict) else None
    if (
        isinstance(rows, dict)
        and isinstance(submitted, list)
        and all(str(key).isdigit() for key in rows)
    ):
        by_index = {int(key): value for key, value in rows.items()}
        errors = {**errors, "users": [by_index.get(i, {}) for i in range(len(submitted))]}
    return errors


class UsersBulkApi(APIView):
    """``POST /api/users-bulk/``: create up to 50 accounts at once, all or none."""

    permission_classes = [IsStaffOrProposalPI]

    @extend_schema(request=UsersBulkSerializer, responses={201: UsersBulkSerializer})
    def post(self, request: Request) -> Response:
        parsed = UsersBulkSerializer(data=request.data)
        if not parsed.is_valid():
            raise serializers.ValidationError(_rows_as_list(parsed.errors, request.data))
        rows = [services.BulkUser(**row) for row in parsed.validated_data["users"]]
        try:
            users = services.users_bulk_create(
                created_by=request.user,  # type: ignore[arg-type]
                rows=rows,
                login_url=request.build_absolute_uri(reverse("accounts-login")),
            )
        except BulkUserError as error:
            errors: list[dict[str, list[str]]] = [{} for _ in rows]
            errors[error.row] = {error.field or "non_field_errors": [error.message]}
            raise serializers.ValidationError({"users": errors}) from error
        except AccountError as error:
            raise serializers.ValidationError({error.field or "users": [error.message]}) from error
        profiles = {p.user_id: p for p in Profile.objects.filter(user__in=users)}
        echoed = [
            {
                "username": user.username,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "institution": profiles[user.pk].institution,
                "title": profiles[user.pk].title,
                "education_user": profiles[user.pk].education_user,
            }
            for user in users
        ]
        return Response({"users": echoed}, status=status.HTTP_201_CREATED)


class ApiLoginApi(APIView):
    """``POST /accounts/api-login/``: a session login for the single-page front end (§18.7)."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=ApiLoginSerializer, responses={200: _MESSAGE, 401: _MESSAGE})
    def post(self, request: Request) -> Response:
        credentials = ApiLoginSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=credentials.validated_data["username"],
            password=credentials.validated_data["password"],
        )
        if user is None:
            raise serializers.ValidationError({"non_field_errors": [_CREDENTIALS_ERROR]})
        expiration = (
            Profile.objects.filter(user=user).values_list("password_expiration", flat=True).first()
        )
        if expiration is not None and expiration <= timezone.now():
            return Response(
                {"message": "Password expired"},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Session"},
            )
        login(request._request, user)
        return Response({"message": "User logged in"})
