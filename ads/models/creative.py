"""Creatives (the ads themselves) and their review state. Status changes only through ads.services.review."""

from django.conf import settings
from django.db import models

from ads.models.campaign import Campaign
from core.models import BaseModel


class Creative(BaseModel):
    class Format(models.TextChoices):
        IMAGE = "image"
        VIDEO = "video"
        TEXT = "text"
        PROMOTED_POST = "promoted_post"

    class Status(models.TextChoices):
        DRAFT = "draft"  # automatic checks failed: the advertiser fixes it and submits again
        SUBMITTED = "submitted"  # checks passed, waiting for a human reviewer
        APPROVED = "approved"
        REJECTED = "rejected"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="creatives")
    format = models.CharField(max_length=16, choices=Format.choices)
    headline = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    media = models.FileField(upload_to="ads/%Y/%m/", blank=True)
    promoted_post = models.ForeignKey(
        "content.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Promoted-post format: the advertiser's own public post shown as the ad.",
    )  # fmt: skip
    media_content_type = models.CharField(max_length=100, blank=True)
    media_size = models.PositiveBigIntegerField(default=0)
    cta_label = models.CharField(max_length=60, blank=True)
    cta_url = models.CharField(max_length=2048, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # [{"check": "https_url", "passed": true, "detail": "..."}] from the last submission.
    check_results = models.JSONField(default=list, blank=True)
    rejection_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Valid events only, changed with F() in the spend transaction; they feed the smoothed CTR.
    impressions_count = models.PositiveBigIntegerField(default=0)
    clicks_count = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["status", "submitted_at"], name="creative_status_submitted_idx")]

    def __str__(self):
        return self.headline or f"{self.get_format_display()} creative {self.pk}"


class CreativeReviewQueue(Creative):
    """The admin's review queue: submitted creatives only (a proxy, so it gets its own admin page)."""

    class Meta:
        proxy = True
        verbose_name = "creative awaiting review"
        verbose_name_plural = "creative review queue"
