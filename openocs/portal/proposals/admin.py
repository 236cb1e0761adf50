"""Admin pages of proposals and time allocation; every write calls the same services as the API.

Actions: activate/deactivate proposals, export allocations as CSV, import proposals from CSV,
roll a semester's unused time over to the next semester. Allocation counters are read-only here:
amounts change through ledger grants, used hours through debits and credits.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from openocs.portal.proposals import accounting, csvio, services
from openocs.portal.proposals.errors import ImportRowError, ProposalError
from openocs.portal.proposals.models import (
    AllocationLedgerEntry,
    Membership,
    Proposal,
    ProposalInvite,
    ScienceCollaboration,
    Semester,
    TimeAllocation,
)

AMOUNT_FIELDS = (
    "std_allocation",
    "rr_allocation",
    "tc_allocation",
    "realtime_allocation",
    "ipp_limit",
)
USED_FIELDS = (
    "std_time_used",
    "rr_time_used",
    "tc_time_used",
    "realtime_time_used",
    "ipp_time_available",
)


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


class TimeAllocationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TimeAllocation
    extra = 0
    fields = ("semester", "instrument_types", *AMOUNT_FIELDS, *USED_FIELDS)
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CsvImportForm(forms.Form):
    csv_file = forms.FileField(help_text="Columns: " + ", ".join(csvio.COLUMNS))


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "title", "active", "tac_priority", "tac_rank", "public", "non_science")
    list_filter = (
        "active",
        "public",
        "non_science",
        "direct_submission",
        "timeallocation__semester",
    )
    search_fields = ("id", "title")
    filter_horizontal = ("tags",)
    inlines = (MembershipInline, TimeAllocationInline)
    actions = ("activate", "deactivate", "export_allocations")
    change_list_template = "admin/proposals/proposal/change_list.html"

    @admin.action(description="Activate selected proposals")
    def activate(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        count = services.proposals_set_active(
            proposal_ids=list(queryset.values_list("pk", flat=True)), active=True
        )
        self.message_user(request, f"{count} proposal(s) activated.")

    @admin.action(description="Deactivate selected proposals")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        count = services.proposals_set_active(
            proposal_ids=list(queryset.values_list("pk", flat=True)), active=False
        )
        self.message_user(request, f"{count} proposal(s) deactivated.")

    @admin.action(description="Export the allocations of all semesters as CSV")
    def export_allocations(
        self, request: HttpRequest, queryset: QuerySet[Proposal]
    ) -> HttpResponse:
        response = HttpResponse(csvio.allocations_export_csv(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="allocations.csv"'
        return response

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv),
                name="proposals_proposal_import_csv",
            )
        ]
        return extra + super().get_urls()

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV; all rows are imported or none (the error names row and column)."""
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = CsvImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["csv_file"].read()
            try:
                summary = csvio.proposals_import_csv(text=raw.decode("utf-8"), actor=request.user)
            except UnicodeDecodeError:
                form.add_error("csv_file", "The file is not UTF-8 text.")
            except ImportRowError as error:
                form.add_error("csv_file", f"{error.message} Nothing was imported.")
            else:
                self.message_user(
                    request,
                    f"Imported {summary.proposals_created} new and {summary.proposals_updated} "
                    f"updated proposals, {summary.allocations_created} new and "
                    f"{summary.allocations_updated} updated allocations.",
                )
                return HttpResponseRedirect(reverse("admin:proposals_proposal_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import proposals from CSV",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/proposals/proposal/import_csv.html", context)


class TimeAllocationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TimeAllocation
        fields = ("proposal", "semester", "instrument_types", *AMOUNT_FIELDS)


class LedgerInline(admin.TabularInline):  # type: ignore[type-arg]
    """The allocation's ledger, newest last, read-only (the audit trail of every counter)."""

    model = AllocationLedgerEntry
    extra = 0
    can_delete = False
    fields = (
        "created",
        "kind",
        "operation",
        "amount_hours",
        "requested_hours",
        "balance_after_hours",
        "reason",
        "source_type",
        "source_id",
        "created_by",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TimeAllocation)
class TimeAllocationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = TimeAllocationForm
    inlines = (LedgerInline,)
    list_display = ("proposal", "semester", "instrument_types", "std_allocation", "std_time_used")
    list_filter = ("semester",)
    search_fields = ("proposal__id",)
    readonly_fields = USED_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return ("proposal", "semester", *USED_FIELDS)
        return USED_FIELDS

    def save_model(
        self, request: HttpRequest, obj: TimeAllocation, form: Any, change: bool
    ) -> None:
        amounts = {name: form.cleaned_data[name] for name in AMOUNT_FIELDS}
        try:
            if change:
                saved = accounting.allocation_set_amounts(
                    allocation=obj.pk,
                    amounts=amounts,
                    instrument_types=form.cleaned_data["instrument_types"],
                    reason="changed in the admin",
                    actor=request.user,
                )
            else:
                saved = accounting.allocation_create(
                    proposal=form.cleaned_data["proposal"],
                    semester=form.cleaned_data["semester"],
                    instrument_types=form.cleaned_data["instrument_types"],
                    **{k: v for k, v in amounts.items() if k != "ipp_limit"},
                    ipp_limit=amounts["ipp_limit"] or None,
                    reason="created in the admin",
                    actor=request.user,
                )
        except ProposalError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            raise
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(AllocationLedgerEntry)
class AllocationLedgerEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The ledger is append-only: readable here, never editable."""

    list_display = ("id", "allocation", "kind", "operation", "amount_hours", "reason", "created")
    list_filter = ("kind", "operation")
    search_fields = ("allocation__proposal__id", "reason", "source_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Semester)
class SemesterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "start", "end")
    actions = ("rollover_to_next",)

    @admin.action(description="Roll unused standard time over to the next semester")
    def rollover_to_next(self, request: HttpRequest, queryset: QuerySet[Semester]) -> None:
        for semester in queryset.order_by("start"):
            following = Semester.objects.filter(start__gte=semester.end).order_by("start").first()
            if following is None:
                self.message_user(
                    request, f"No semester follows {semester.id}.", level=messages.WARNING
                )
                continue
            results = accounting.allocations_rollover(
                from_semester=semester, to_semester=following, actor=request.user
            )
            hours = sum(r.hours for r in results)
            self.message_user(
                request, f"{semester.id} → {following.id}: {hours:.2f} h in {len(results)} amounts."
            )


admin.site.register(ProposalInvite)
admin.site.register(ScienceCollaboration)
