"""Admin pages of calls and science applications; the actions call the same services as the API."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from openocs.portal.sciapplications import services
from openocs.portal.sciapplications.errors import ApplicationError
from openocs.portal.sciapplications.models import (
    Call,
    CoInvestigator,
    Review,
    ScienceApplication,
    TimeRequest,
)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "semester", "proposal_type", "opens", "deadline")
    list_filter = ("proposal_type", "semester")
    filter_horizontal = ("eligible_semesters",)


class TimeRequestInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TimeRequest
    extra = 0


class CoInvestigatorInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CoInvestigator
    extra = 0


class ReviewInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Review
    extra = 0
    fields = ("reviewer", "grade", "comments", "graded")
    readonly_fields = ("graded",)
    raw_id_fields = ("reviewer",)


@admin.register(ScienceApplication)
class ScienceApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "title", "call", "submitter", "status", "tac_rank", "proposal")
    list_filter = ("status", "call")
    search_fields = ("title", "submitter__username", "pi")
    readonly_fields = ("status", "submitted", "proposal")
    inlines = (TimeRequestInline, CoInvestigatorInline, ReviewInline)
    actions = ("accept", "reject", "port")

    def _each(
        self, request: HttpRequest, queryset: QuerySet[ScienceApplication], verb: str
    ) -> None:
        done = 0
        for application in queryset.order_by("id"):
            try:
                if verb == "accept":
                    services.application_accept(application=application, actor=request.user)
                elif verb == "reject":
                    services.application_reject(application=application, actor=request.user)
                else:
                    services.application_port(application=application, actor=request.user)
                done += 1
            except ApplicationError as error:
                self.message_user(
                    request, f"Application {application.pk}: {error.message}", messages.ERROR
                )
        self.message_user(request, f"{done} application(s) processed ({verb}).")

    @admin.action(description="Accept (approve every time request)")
    def accept(self, request: HttpRequest, queryset: QuerySet[ScienceApplication]) -> None:
        self._each(request, queryset, "accept")

    @admin.action(description="Reject")
    def reject(self, request: HttpRequest, queryset: QuerySet[ScienceApplication]) -> None:
        self._each(request, queryset, "reject")

    @admin.action(description="Port into proposals (allocations and memberships, atomically)")
    def port(self, request: HttpRequest, queryset: QuerySet[ScienceApplication]) -> None:
        self._each(request, queryset, "port")
