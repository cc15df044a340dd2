"""How people prove who they are: login sessions (one per refresh-token family), API keys,
single-use email tokens, pending second-factor challenges and hashed backup codes."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import BaseModel


def sha256_hex(raw: str) -> str:
    """Secrets we hand out are 256-bit random strings: a plain SHA-256 is enough to store them
    (a slow hash only matters for low-entropy secrets such as passwords and 8-character codes)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class UserSessionQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class UserSession(BaseModel):
    """One login: the family of refresh tokens descended from it (rotation keeps the family).

    Only `current_jti` is a live refresh token; presenting any older token of the family means it was
    copied, so the whole family is revoked. Access tokens carry the session id (`sid`) and stop working
    the moment the session is revoked.
    """

    class RevokeReason(models.TextChoices):
        LOGOUT = "logout"
        LOGOUT_ALL = "logout_all"
        REVOKED = "revoked"
        TOKEN_REUSE = "token_reuse"
        PASSWORD_CHANGED = "password_changed"
        STATUS_CHANGED = "status_changed"
        ADMIN = "admin"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    current_jti = models.CharField(max_length=64, unique=True)
    generation = models.PositiveIntegerField(default=0, help_text="How many times the refresh token rotated.")
    method = models.CharField(max_length=32, default="password", help_text="password, google, facebook…")
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=24, choices=RevokeReason.choices, blank=True)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="session_user_revoked_idx")]

    def __str__(self):
        return f"session {self.pk} of {self.user_id}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ApiKey(BaseModel):
    """A long-lived credential for bots: `Authorization: Api-Key <prefix>.<secret>`, shown once."""

    class Scope(models.TextChoices):
        READ = "read"
        WRITE = "write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True, help_text="Public part, used to find the key.")
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


class OneTimeToken(BaseModel):
    """Email verification and password reset links: stored hashed, single use, expiring."""

    class Purpose(models.TextChoices):
        VERIFY_EMAIL = "verify_email"
        PASSWORD_RESET = "password_reset"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_time_tokens")
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose"], name="ott_user_purpose_idx")]


class MfaChallenge(BaseModel):
    """The password was right and a second factor is due: the client holds `mfa_token` for 5 minutes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_challenges")
    token_hash = models.CharField(max_length=64, unique=True)
    method = models.CharField(max_length=32, default="password")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class BackupCode(BaseModel):
    """A single-use second factor, stored with the password hasher (the codes are short)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backup_codes")
    code_hash = models.CharField(max_length=256)
    used_at = models.DateTimeField(null=True, blank=True)
