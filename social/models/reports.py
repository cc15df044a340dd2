"""Reports from people, grouped into one moderation case per reported thing.

The back office works cases (resolve or dismiss, with an action and a reason); reporters follow the
state of their own reports through their case. A case is keyed by (target_type, target_id) rather than
by foreign keys because one of the targets, a live-stream chat message, lives in an app above this one.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class ReportTargetType(models.TextChoices):
    USER = "user"
    POST = "post"
    VIDEO = "video"
    COMMENT = "comment"
    CHAT_MESSAGE = "chat_message", "Stream chat message"


class ReportCategory(models.TextChoices):
    SPAM = "spam"
    HARASSMENT = "harassment"
    HATE = "hate"
    VIOLENCE = "violence"
    SEXUAL_CONTENT = "sexual_content", "Sexual content"
    SELF_HARM = "self_harm", "Self-harm"
    COPYRIGHT = "copyright"
    OTHER = "other"


class ModerationCase(BaseModel):
    """Every open report on one target, in one place for a moderator.

    At most one *open* case per target: a report arriving after the case was closed opens a new one
    (the earlier decision stays on record with its own reports).
    """

    class Status(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved"
        DISMISSED = "dismissed"

    target_type = models.CharField(max_length=16, choices=ReportTargetType.choices)
    target_id = models.UUIDField()
    target_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_cases",
        help_text="Whose account or content was reported (for the moderator's history view).",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    report_count = models.PositiveIntegerField(default=0)
    categories = models.JSONField(default=list, blank=True, help_text="Distinct categories reported, first seen first.")
    last_reported_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_action = models.CharField(max_length=32, blank=True)
    resolution_reason = models.TextField(blank=True)
    # Worked by the back office (socialflow.backoffice.moderation); states move only through it.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(
        null=True, blank=True, help_text="When the target was hidden automatically, pending review."
    )
    hold_reason = models.CharField(max_length=200, blank=True)
    dismissed_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="The target's content when dismissed as benign: new reports on it, unchanged, do not reopen.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"], condition=Q(status="open"), name="moderation_case_one_open"
            ),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="moderation_case_resolved_when_closed",
            ),
        ]
        indexes = [
            # The queue: open cases, most reported first.
            models.Index(fields=["status", "-report_count", "-last_reported_at"], name="moderation_case_queue_idx"),
            models.Index(fields=["target_type", "target_id"], name="moderation_case_target_idx"),
        ]

    def __str__(self):
        return f"{self.target_type} {self.target_id} ({self.status}, {self.report_count})"


class Report(BaseModel):
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="reports")
    target_type = models.CharField(max_length=16, choices=ReportTargetType.choices)
    target_id = models.UUIDField()
    category = models.CharField(max_length=20, choices=ReportCategory.choices)
    text = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    related_ids = models.JSONField(
        default=list, blank=True, help_text="Other items the reporter points at (ids of posts, messages...)."
    )

    class Meta:
        constraints = [
            # One report per person per case: repeating adds no weight to the case.
            models.UniqueConstraint(fields=["reporter", "case"], name="report_once_per_case"),
        ]
        indexes = [models.Index(fields=["reporter", "id"], name="report_reporter_id_idx")]

    def __str__(self):
        return f"{self.reporter_id} reported {self.target_type} {self.target_id} ({self.category})"
