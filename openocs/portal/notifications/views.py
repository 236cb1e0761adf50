"""``/api/webhooks/`` (owner-scoped CRUD and delivery log), ``/api/changes/`` (staff long poll)
and ``/api/notifications/preferences/``."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from openocs.portal.events import event_document
from openocs.portal.notifications import conf, selectors, webhooks
from openocs.portal.notifications.models import EmailPreference, Webhook
from openocs.portal.notifications.serializers import (
    ChangesQuerySerializer,
    EmailPreferenceSerializer,
    WebhookDeliverySerializer,
    WebhookSerializer,
)
from openocs.web.exceptions import compatible_errors
from openocs.web.pagination import LimitOffsetPagination
from openocs.web.permissions import IsStaff


class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Webhook],
):
    """A user's webhooks. The ``secret`` appears only in the answer to the creation."""

    serializer_class = WebhookSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = LimitOffsetPagination

    # The schema's model, read without a request (get_queryset scopes every call).
    queryset = Webhook.objects.none()

    def get_queryset(self) -> QuerySet[Webhook]:
        return Webhook.objects.filter(owner_id=self.request.user.pk).order_by("-id")

    def create(self, request: HttpRequest) -> Response:
        serializer = WebhookSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            return Response(
                compatible_errors(serializer.errors, serializer.initial_data), status=400
            )
        data = serializer.validated_data
        hook = webhooks.webhook_create(
            owner=request.user,
            url=data["url"],
            description=data.get("description", ""),
            proposal=_proposal(data.get("proposal_id")),
            event_kinds=data.get("event_kinds") or [],
        )
        body = WebhookSerializer(hook, context={"request": request}).data
        return Response({**body, "secret": hook.secret}, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: BaseSerializer[Webhook]) -> None:
        proposal_id = serializer.validated_data.pop("proposal_id", "unchanged")
        if proposal_id != "unchanged":
            serializer.validated_data["proposal"] = _proposal(proposal_id)
        serializer.save()

    @extend_schema(responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request: HttpRequest, pk: str | None = None) -> Response:
        hook = self.get_object()
        rows = hook.deliveries.order_by("-id")
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        data = WebhookDeliverySerializer(page if page is not None else rows, many=True).data
        return paginator.get_paginated_response(data) if page is not None else Response(data)


def _proposal(proposal_id: str | None) -> Any:
    if not proposal_id:
        return None
    from openocs.portal.proposals.models import Proposal

    return Proposal.objects.get(pk=proposal_id)


class ChangesView(APIView):
    """``GET /api/changes/?after=<seq>&timeout=<s>&replan=<bool>`` (staff): change events after
    ``seq``, waiting up to ``timeout`` seconds (capped) for the first one. Without ``after`` the
    answer is the current cursor (``{"last_seq": n, "events": []}``) at once."""

    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, description="Sequence number already seen."),
            OpenApiParameter("timeout", float, description="Seconds to wait (capped)."),
            OpenApiParameter("limit", int, description="At most this many events (≤ 1000)."),
            OpenApiParameter("replan", bool, description="Only events that move last_changed."),
        ],
        responses={200: dict},
    )
    def get(self, request: HttpRequest) -> Response:
        query = ChangesQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return Response(compatible_errors(query.errors, query.initial_data), status=400)
        options = query.validated_data
        if "after" not in options:
            return Response({"last_seq": selectors.latest_seq(), "events": []})
        events, cursor = selectors.events_wait(
            after=options["after"],
            timeout_s=min(options["timeout"], conf.changes_max_wait_s()),
            limit=options["limit"],
            replan_only=options["replan"],
        )
        return Response({"last_seq": cursor, "events": [event_document(e) for e in events]})


class EmailPreferenceView(APIView):
    """``GET``/``PATCH /api/notifications/preferences/``: the caller's e-mail opt-ins."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: EmailPreferenceSerializer})
    def get(self, request: HttpRequest) -> Response:
        preference, _ = EmailPreference.objects.get_or_create(user=cast(Any, request.user))
        return Response(EmailPreferenceSerializer(preference).data)

    @extend_schema(request=EmailPreferenceSerializer, responses={200: EmailPreferenceSerializer})
    def patch(self, request: HttpRequest) -> Response:
        preference, _ = EmailPreference.objects.get_or_create(user=cast(Any, request.user))
        serializer = EmailPreferenceSerializer(preference, data=request.data, partial=True)
        if not serializer.is_valid():
            return Response(
                compatible_errors(serializer.errors, serializer.initial_data), status=400
            )
        serializer.save()
        return Response(serializer.data)
