"""What happened to an account (append-only) and the data exports people ask for."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class AccountEvent(BaseModel):
    """Append-only record of every status, role and security change: who did it and why.

    Written only by users.services; the admin shows it read-only.
    """

    class Kind(models.TextChoices):
        STATUS = "status", "status changed"
        ROLE = "role", "role changed"
        EMAIL_VERIFIED = "email_verified", "email verified"
        PASSWORD_CHANGED = "password_changed", "password changed"
        PASSWORD_RESET = "password_reset", "password reset"
        TWO_FACTOR_ENABLED = "2fa_enabled", "2FA enabled"
        TWO_FACTOR_DISABLED = "2fa_disabled", "2FA disabled"
        TWO_FACTOR_RESET = "2fa_reset", "2FA reset by staff"
        BACKUP_CODES = "backup_codes", "backup codes regenerated"
        SESSIONS_REVOKED = "sessions_revoked", "sessions revoked"
        TOKEN_REUSE = "token_reuse", "refresh token reuse detected"
        DELETION_REQUESTED = "deletion_requested", "deletion requested"
        DELETION_CANCELLED = "deletion_cancelled", "deletion cancelled"
        ANONYMISED = "anonymised", "personal data anonymised"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_actions",
        help_text="Empty: the system (a task) or the person themselves before sign-in.",
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    from_value = models.CharField(max_length=64, blank=True)
    to_value = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="account_event_user_idx")]

    def __str__(self):
        return f"{self.kind} {self.from_value}→{self.to_value}"


class DataExport(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending"
        READY = "ready"
        FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
