"""REST endpoints of proposals, semesters, memberships and invitations (spec §19).

Views parse, call one selector or service, and render; rules live in ``services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openocs.portal.proposals import selectors, services
from openocs.portal.proposals.errors import NotAllowed, ProposalError
from openocs.portal.proposals.filters import (
    InvitationFilter,
    MembershipFilter,
    ProposalFilter,
    SemesterFilter,
)
from openocs.portal.proposals.models import Membership, Proposal, ProposalInvite, Semester
from openocs.portal.proposals.serializers import (
    InvitationSerializer,
    InviteInputSerializer,
    MembershipSerializer,
    NotificationInputSerializer,
    ProposalMessageSerializer,
    ProposalSerializer,
    SemesterAllocationSerializer,
    SemesterSerializer,
    TimeLimitInputSerializer,
)
from openocs.web.pagination import AnonymousLimitedPagination
from openocs.web.schema import LIST_OF_OBJECTS, LIST_OF_STRINGS

T = TypeVar("T")


class ProposalPagination(AnonymousLimitedPagination):
    """**Deviation (D35):** 100 proposals per page (reference: 10) so AEONlib sees them all."""

    default_limit = 100


def run_service(call: Callable[[], T], *, envelope: str | None = None) -> T:
    """Run a service: ``NotAllowed`` becomes 403, ``ProposalError`` a 400 naming the field.

    ``envelope="errors"`` wraps the field errors as ``{"errors": {...}}`` (the compatible shape of
    the notification and limit actions).
    """
    try:
        return call()
    except NotAllowed as error:
        raise PermissionDenied() from error
    except ProposalError as error:
        errors = {error.field or "non_field_errors": [error.message]}
        raise _BadRequest({envelope: errors} if envelope else errors) from error


class _BadRequest(Exception):
    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.body = body


class ServiceErrorMixin:
    """Turns ``_BadRequest`` raised by ``run_service`` into a 400 with its exact body."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _BadRequest):
            return Response(exc.body, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)  # type: ignore[misc, no-any-return]


class ProposalViewSet(ServiceErrorMixin, viewsets.ReadOnlyModelViewSet[Proposal]):
    """``/api/proposals/``: the caller's proposals (staff_view: all) and the PI actions."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    queryset = Proposal.objects.none()  # for the schema; see get_queryset
    pagination_class = ProposalPagination

    def get_queryset(self) -> QuerySet[Proposal]:
        if self.action in ("list", "retrieve"):
            return selectors.proposal_list_queryset(self.request.user)
        return selectors.proposals_visible_to(self.request.user).order_by("-id")

    @extend_schema(request=NotificationInputSerializer, responses={200: ProposalMessageSerializer})
    @action(detail=True, methods=["post"])
    def notification(self, request: Request, pk: str | None = None) -> Response:
        proposal = self.get_object()
        serializer = NotificationInputSerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"errors": serializer.errors}, status=status.HTTP_400_BAD_REQUEST)
        run_service(
            lambda: services.proposal_notification_set(
                proposal=proposal, user=request.user, enabled=serializer.validated_data["enabled"]
            ),
            envelope="errors",
        )
        return Response({"message": "Preferences saved"})

    @extend_schema(request=InviteInputSerializer, responses={200: ProposalMessageSerializer})
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: str | None = None) -> Response:
        proposal = self.get_object()
        if not selectors.user_is_pi(request.user, proposal):
            raise PermissionDenied()
        serializer = InviteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run_service(
            lambda: services.proposal_invite(
                proposal=proposal,
                actor=request.user,
                emails_to_invite=serializer.validated_data["emails"],
                time_limit_s=serializer.validated_data["time_limit"],
            )
        )
        return Response({"message": "Co Investigator(s) invited"})

    @extend_schema(request=TimeLimitInputSerializer, responses={200: ProposalMessageSerializer})
    @action(detail=True, methods=["post"])
    def globallimit(self, request: Request, pk: str | None = None) -> Response:
        proposal = self.get_object()
        if not selectors.user_is_pi(request.user, proposal):
            raise PermissionDenied()
        serializer = TimeLimitInputSerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"errors": serializer.errors}, status=status.HTTP_400_BAD_REQUEST)
        hours = serializer.validated_data["time_limit_hours"]
        run_service(
            lambda: services.proposal_set_global_limit(
                proposal=proposal, actor=request.user, time_limit_hours=hours
            ),
            envelope="errors",
        )
        return Response({"message": f"All CI time limits set to {hours} hours"})

    @extend_schema(responses={200: LIST_OF_STRINGS})
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def tags(self, request: Request) -> Response:
        return Response(selectors.proposal_tags_visible_to(request.user))


class SemesterViewSet(viewsets.ReadOnlyModelViewSet[Semester]):
    """``/api/semesters/``: anyone; ordering ``-start``; ``semester_contains`` honours offsets."""

    permission_classes = [AllowAny]
    serializer_class = SemesterSerializer
    pagination_class = AnonymousLimitedPagination
    filterset_class = SemesterFilter
    queryset = Semester.objects.order_by("-start")

    @extend_schema(responses={200: LIST_OF_OBJECTS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def proposals(self, request: Request, pk: str | None = None) -> Response:
        return Response(selectors.semester_proposals(self.get_object()))

    @extend_schema(responses={200: SemesterAllocationSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, permission_classes=[IsAdminUser])
    def timeallocations(self, request: Request, pk: str | None = None) -> Response:
        allocations = selectors.semester_timeallocations(self.get_object())
        return Response(SemesterAllocationSerializer(allocations, many=True).data)


class MembershipViewSet(
    ServiceErrorMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Membership],
):
    """``/api/memberships/``: own, led and PI memberships; DELETE and ``limit`` for the PI."""

    permission_classes = [IsAuthenticated]
    serializer_class = MembershipSerializer
    pagination_class = AnonymousLimitedPagination
    filterset_class = MembershipFilter
    queryset = Membership.objects.none()  # for the schema; see get_queryset

    def get_queryset(self) -> QuerySet[Membership]:
        return selectors.memberships_visible_to(self.request.user).select_related("proposal")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["time_used"] = getattr(self, "_time_used", {})
        return context

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._time_used = selectors.membership_time_used_s(page)
        return page

    def get_object(self) -> Membership:
        membership = super().get_object()
        self._time_used = selectors.membership_time_used_s([membership])
        return membership

    def perform_destroy(self, instance: Membership) -> None:
        run_service(
            lambda: services.membership_delete(membership=instance, actor=self.request.user)
        )

    @extend_schema(request=TimeLimitInputSerializer, responses={200: ProposalMessageSerializer})
    @action(detail=True, methods=["post"])
    def limit(self, request: Request, pk: str | None = None) -> Response:
        membership = self.get_object()
        if not selectors.user_is_pi(request.user, membership.proposal):
            raise PermissionDenied()
        serializer = TimeLimitInputSerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"errors": serializer.errors}, status=status.HTTP_400_BAD_REQUEST)
        hours = serializer.validated_data["time_limit_hours"]
        run_service(
            lambda: services.membership_set_limit(
                membership=membership, actor=request.user, time_limit_hours=hours
            ),
            envelope="errors",
        )
        user = membership.user
        return Response(
            {"message": f"Time limit for {user.first_name} {user.last_name} set to {hours} hours"}
        )


class InvitationViewSet(
    ServiceErrorMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ProposalInvite],
):
    """``/api/invitations/``: invitations of the caller's led proposals; DELETE while pending."""

    permission_classes = [IsAuthenticated]
    serializer_class = InvitationSerializer
    pagination_class = AnonymousLimitedPagination
    filterset_class = InvitationFilter
    queryset = ProposalInvite.objects.none()  # for the schema; see get_queryset

    def get_queryset(self) -> QuerySet[ProposalInvite]:
        return selectors.invitations_visible_to(self.request.user).select_related("proposal")

    def perform_destroy(self, instance: ProposalInvite) -> None:
        run_service(
            lambda: services.invitation_delete(invitation=instance, actor=self.request.user)
        )
