"""Calls for proposals, science applications, their time requests and co-investigators."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from openocs.portal.proposals.models import Proposal, Semester


class Call(models.Model):
    """A call for proposals: a semester, a submission window and the instruments on offer."""

    SCI = "SCI"
    DDT = "DDT"
    KEY = "KEY"
    NAOC = "NAOC"
    COLAB = "COLAB"
    TYPE_CHOICES: ClassVar[list[tuple[str, str]]] = [
        (SCI, "Science"),
        (DDT, "Director's discretionary time"),
        (KEY, "Key project"),
        (NAOC, "NOIRLab open call"),
        (COLAB, "Science collaboration proposal"),
    ]

    semester = models.ForeignKey(Semester, on_delete=models.PROTECT, related_name="calls")
    eligible_semesters = models.ManyToManyField(Semester, blank=True, related_name="eligible_calls")
    opens = models.DateTimeField()
    deadline = models.DateTimeField()
    call_url = models.URLField(blank=True, default="")
    instruments = models.JSONField(default=list, help_text="Instrument type codes offered.")
    proposal_type = models.CharField(max_length=5, choices=TYPE_CHOICES, default=SCI)
    eligibility = models.TextField(blank=True, default="")
    eligibility_short = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-deadline", "id"]

    def __str__(self) -> str:
        return f"{self.get_proposal_type_display()} call for {self.semester_id}"


class ScienceApplication(models.Model):
    """A user's application for time in answer to a call."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    PORTED = "PORTED"
    STATUS_CHOICES: ClassVar[list[tuple[str, str]]] = [
        (DRAFT, "Draft"),
        (SUBMITTED, "Submitted"),
        (ACCEPTED, "Accepted"),
        (REJECTED, "Rejected"),
        (PORTED, "Ported"),
    ]

    title = models.CharField(max_length=200)
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    abstract = models.TextField(blank=True, default="")
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="science_applications"
    )
    pi = models.EmailField(blank=True, default="", help_text="Blank: the submitter is the PI.")
    pi_first_name = models.CharField(max_length=255, blank=True, default="")
    pi_last_name = models.CharField(max_length=255, blank=True, default="")
    pi_institution = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=DRAFT, db_index=True)
    tac_rank = models.PositiveIntegerField(default=0)
    tac_priority = models.PositiveIntegerField(default=0)
    pdf = models.FileField(upload_to="sciapplications/", blank=True, default="")
    pdf_pages = models.PositiveIntegerField(default=0, help_text="Pages of the PDF, when read.")
    pdf_words = models.PositiveIntegerField(default=0, help_text="Words of the PDF's text.")
    targets = models.JSONField(
        default=list, blank=True, help_text='Target list: [{"name", "ra", "dec"}] in degrees.'
    )
    tags = models.JSONField(default=list, blank=True)
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    submitted = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class TimeRequest(models.Model):
    """Hours asked for on some instrument types in one semester; staff mark what is approved."""

    science_application = models.ForeignKey(
        ScienceApplication, on_delete=models.CASCADE, related_name="timerequest_set"
    )
    semester = models.ForeignKey(Semester, on_delete=models.PROTECT)
    instrument_types = models.JSONField(default=list)
    std_time = models.FloatField(default=0.0)
    rr_time = models.FloatField(default=0.0)
    tc_time = models.FloatField(default=0.0)
    approved = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.semester_id} {','.join(self.instrument_types)}"


class CoInvestigator(models.Model):
    """A co-investigator named on an application (becomes a CI member or invitation)."""

    science_application = models.ForeignKey(
        ScienceApplication, on_delete=models.CASCADE, related_name="coinvestigator_set"
    )
    email = models.EmailField()
    first_name = models.CharField(max_length=255, blank=True, default="")
    last_name = models.CharField(max_length=255, blank=True, default="")
    institution = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.email


class Review(models.Model):
    """A reviewer's assignment to an application, and the grade and comments they record.

    ``grade`` runs from 1 (outstanding) to 5 (poor); it stays empty until the reviewer records
    it, and the ranking of a call orders its applications by their mean grade.
    """

    GRADE_CHOICES: ClassVar[list[tuple[int, str]]] = [
        (1, "1 — outstanding"),
        (2, "2 — excellent"),
        (3, "3 — good"),
        (4, "4 — fair"),
        (5, "5 — poor"),
    ]

    science_application = models.ForeignKey(
        ScienceApplication, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_reviews"
    )
    grade = models.PositiveSmallIntegerField(null=True, blank=True, choices=GRADE_CHOICES)
    comments = models.TextField(blank=True, default="")
    assigned = models.DateTimeField(auto_now_add=True)
    graded = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["science_application", "reviewer"], name="one_review_per_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.science_application_id}"
