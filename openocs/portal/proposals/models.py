"""Models of semesters, proposals, memberships, invitations and time allocations.

Models hold single-row invariants only; flows that touch several rows live in ``services`` and
``accounting``. The counters of a :class:`TimeAllocation` (hours used, IPP available and the
allocated amounts) change only through ``accounting`` functions, each of which appends an
:class:`AllocationLedgerEntry`, so every counter can be recomputed from the ledger.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Semester(models.Model):
    """An observing semester, ``2026B``: windows must fit inside one (spec §19.6)."""

    id = models.CharField(max_length=20, primary_key=True)
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.id

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "A semester must end after it starts."})


class ScienceCollaboration(models.Model):
    """A science collaboration allocation (``sca``): the body that owns a share of the time."""

    id = models.CharField(max_length=20, primary_key=True)
    name = models.CharField(max_length=200)
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="administered_collaborations",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProposalTag(models.Model):
    """A free-form tag (``supernovae``); proposals share tag rows so filtering stays portable."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    """A proposal for observing time (spec §19.1)."""

    id = models.CharField(max_length=50, primary_key=True)
    active = models.BooleanField(default=True, db_index=True)
    title = models.CharField(max_length=255, blank=True, default="")
    abstract = models.TextField(blank=True, default="")
    tac_priority = models.PositiveIntegerField(default=0)
    tac_rank = models.PositiveIntegerField(default=0)
    sca = models.ForeignKey(ScienceCollaboration, null=True, blank=True, on_delete=models.SET_NULL)
    public = models.BooleanField(default=False)
    non_science = models.BooleanField(default=False)
    direct_submission = models.BooleanField(default=False)
    notes = models.TextField(blank=True, default="", help_text="Staff notes.")
    tags = models.ManyToManyField(ProposalTag, blank=True, related_name="proposals")
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="proposals"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.id


class Membership(models.Model):
    """A user's role on a proposal, with the CI's time limit in seconds (−1: no limit)."""

    PI = "PI"
    CI = "CI"
    ROLE_CHOICES: ClassVar[list[tuple[str, str]]] = [
        (PI, "Principal Investigator"),
        (CI, "Co-Investigator"),
    ]

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=5, choices=ROLE_CHOICES, db_index=True)
    time_limit = models.IntegerField(default=-1, help_text="Seconds; −1 means no limit.")

    class Meta:
        ordering = ["proposal_id", "role", "user__username"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["proposal", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=models.Q(time_limit__gte=-1), name="membership_time_limit_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.proposal_id}"


class ProposalInvite(models.Model):
    """An invitation by e-mail; it becomes a membership when that person registers."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE)
    role = models.CharField(max_length=5, choices=Membership.ROLE_CHOICES, default=Membership.CI)
    email = models.EmailField(db_index=True)
    time_limit = models.IntegerField(default=-1, help_text="Seconds; −1 means no limit.")
    sent = models.DateTimeField(null=True, blank=True)
    used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.proposal_id}"


class ProposalNotification(models.Model):
    """A user's opt-in to request e-mails of one proposal (spec §19.2)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["proposal", "user"], name="notification_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.proposal_id}"


class TimeAllocation(models.Model):
    """Hours of a proposal in a semester on some instrument types (spec §7.1).

    Every numeric field is a ledger-maintained counter: change them with the functions of
    ``openocs.portal.proposals.accounting`` only.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE)
    semester = models.ForeignKey(Semester, on_delete=models.PROTECT)
    instrument_types = models.JSONField(default=list)
    std_allocation = models.FloatField(default=0.0)
    std_time_used = models.FloatField(default=0.0)
    rr_allocation = models.FloatField(default=0.0)
    rr_time_used = models.FloatField(default=0.0)
    tc_allocation = models.FloatField(default=0.0)
    tc_time_used = models.FloatField(default=0.0)
    realtime_allocation = models.FloatField(default=0.0)
    realtime_time_used = models.FloatField(default=0.0)
    ipp_limit = models.FloatField(default=0.0)
    ipp_time_available = models.FloatField(default=0.0)

    class Meta:
        ordering = ["semester_id", "proposal_id", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(**{f"{name}__gte": 0}), name=f"allocation_{name}_not_negative"
            )
            for name in (
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
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.semester_id} {','.join(self.instrument_types)}"


class AllocationLedgerEntry(models.Model):
    """One debit, credit or grant of hours on one counter of one allocation (append-only).

    ``kind`` chooses the counters (``std``: ``std_allocation``/``std_time_used``, … ``ipp``:
    ``ipp_limit``/``ipp_time_available``). A *debit* uses time (``<kind>_time_used`` grows; for
    IPP ``ipp_time_available`` shrinks), a *credit* gives it back, a *grant* changes the allocated
    amount (``<kind>_allocation``; for IPP ``ipp_limit``) by the signed ``amount_hours``.
    ``amount_hours`` is what was applied after clamping; ``requested_hours`` what was asked.
    """

    STD = "std"
    RR = "rr"
    TC = "tc"
    REALTIME = "realtime"
    IPP = "ipp"
    KIND_CHOICES: ClassVar[list[tuple[str, str]]] = [
        (STD, "Standard"),
        (RR, "Rapid response"),
        (TC, "Time critical"),
        (REALTIME, "Real time"),
        (IPP, "Intra-proposal priority"),
    ]
    DEBIT = "debit"
    CREDIT = "credit"
    GRANT = "grant"
    OPERATION_CHOICES: ClassVar[list[tuple[str, str]]] = [
        (DEBIT, "Debit"),
        (CREDIT, "Credit"),
        (GRANT, "Grant"),
    ]

    allocation = models.ForeignKey(
        TimeAllocation, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    operation = models.CharField(max_length=10, choices=OPERATION_CHOICES)
    amount_hours = models.FloatField()
    requested_hours = models.FloatField()
    balance_after_hours = models.FloatField(
        help_text="The counter this entry changed, after the change."
    )
    reason = models.CharField(max_length=255)
    source_type = models.CharField(max_length=50, blank=True, default="")
    source_id = models.CharField(max_length=100, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "allocation ledger entries"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["source_type", "source_id"], name="ledger_source_idx")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.amount_hours:g} h {self.kind} on {self.allocation_id}"
