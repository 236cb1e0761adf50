"""Frames, their file versions, headers and thumbnails (spec §1)."""

from __future__ import annotations

from django.db import models


class Frame(models.Model):
    """One data product, identified by its basename (spec §1.1)."""

    basename = models.CharField(max_length=1000, unique=True)
    observation_date = models.DateTimeField(null=True, blank=True, db_index=True)
    observation_day = models.DateField(null=True, blank=True)
    proposal_id = models.CharField(max_length=200, default="", blank=True)
    instrument_id = models.CharField(max_length=64, default="", blank=True)
    target_name = models.CharField(max_length=200, default="", blank=True)
    reduction_level = models.SmallIntegerField(default=0)
    site_id = models.CharField(max_length=3, default="", blank=True)
    telescope_id = models.CharField(max_length=4, default="", blank=True)
    exposure_time = models.FloatField(null=True, blank=True)
    primary_optical_element = models.CharField(max_length=100, default="", blank=True)
    public_date = models.DateTimeField(null=True, blank=True)
    configuration_type = models.CharField(max_length=20, default="", blank=True)
    observation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    request_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    submitter = models.CharField(max_length=200, default="", blank=True)
    area = models.JSONField(null=True, blank=True)
    related_frames = models.ManyToManyField("self", symmetrical=True, blank=True)
    # Sky index (archive.sky): centre unit vector, bounding-cap radius and dec band.
    cx = models.FloatField(null=True, blank=True)
    cy = models.FloatField(null=True, blank=True)
    cz = models.FloatField(null=True, blank=True)
    dec_c = models.FloatField(null=True, blank=True)
    footprint_radius_deg = models.FloatField(null=True, blank=True, db_index=True)
    # True when the frame has a date and at least one version (list routes show only these).
    listed = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("ingest", "Can register frames with the archive")]
        indexes = [
            models.Index(
                fields=["proposal_id", "observation_date"], name="archive_frame_prop_date"
            ),
            models.Index(fields=["public_date"], name="archive_frame_public"),
            models.Index(fields=["site_id", "observation_date"], name="archive_frame_site_date"),
            # Covers the first, index-only stage of sky searches (archive.selectors).
            models.Index(fields=["dec_c", "cx", "cy", "cz", "id"], name="archive_frame_sky"),
        ]

    def __str__(self) -> str:
        return self.basename


class Version(models.Model):
    """One uploaded file of a frame (spec §1.2); the newest is served by default."""

    frame = models.ForeignKey(Frame, on_delete=models.CASCADE, related_name="version_set")
    key = models.CharField(max_length=255)
    md5 = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=20)
    size = models.BigIntegerField(default=0)
    path = models.CharField(max_length=1000, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.frame_id}:{self.md5}"


class Headers(models.Model):
    """Every cleaned header card of a frame (spec §1.3)."""

    frame = models.OneToOneField(Frame, on_delete=models.CASCADE, related_name="headers")
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"headers of {self.frame_id}"


class Thumbnail(models.Model):
    """A PNG/JPEG preview of a frame (spec §1.4)."""

    SIZES = [("small", "small"), ("medium", "medium"), ("large", "large")]

    frame = models.ForeignKey(Frame, on_delete=models.CASCADE, related_name="thumbnails")
    size = models.CharField(max_length=20, choices=SIZES, default="small")
    basename = models.CharField(max_length=1000, unique=True)
    extension = models.CharField(max_length=20)
    key = models.CharField(max_length=255)
    path = models.CharField(max_length=1000, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.basename
