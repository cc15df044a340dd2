"""Notifications, the recipient's preferences, push devices, delivery records and fan-out jobs.

Rows change only through notifications.services. A notification refers to what it is about by an opaque
reference (app label, model name, id as text, plus a short snapshot for display) because this app sits
below content, payments and the rest and must never import them.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from core.models import BaseModel
from notifications.catalogue import Channel, NotificationType


class NotificationQuerySet(models.QuerySet):
    def inbox(self):
        return self.filter(box=Notification.Box.INBOX)

    def requests(self):
        return self.filter(box=Notification.Box.REQUEST)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_recipient(self, user):
        return self.filter(recipient=user)


class Notification(BaseModel):
    Type = NotificationType

    class Box(models.TextChoices):
        INBOX = "inbox", "Inbox"
        # From a stranger while the recipient's policy is "filter": waits to be accepted or dismissed.
        REQUEST = "request", "Request"
        # The user switched the in-app channel off for this type but kept email or push: the row exists
        # only to drive those deliveries and never shows in the app.
        SILENT = "silent", "Silent"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for system notifications.",
    )
    type = models.CharField(max_length=32, choices=NotificationType.choices)
    box = models.CharField(max_length=8, choices=Box.choices, default=Box.INBOX)
    target_app = models.CharField(max_length=50, blank=True)
    target_kind = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_snapshot = models.JSONField(default=dict, blank=True)
    # DjangoJSONEncoder: callers may pass UUIDs, datetimes or Decimals in `data` without converting them.
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # Notifications sharing a group_key collapse in the grouped view; ungroupable types get a unique key.
    group_key = models.CharField(max_length=255)
    # Set only for fan-out rows: one per (recipient, event), so a re-run fan-out never double-notifies.
    fanout_key = models.CharField(max_length=255, blank=True, default="")
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notif_recipient_id_idx"),
            models.Index(fields=["recipient", "group_key", "-id"], name="notif_recipient_group_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, box="inbox"),
                name="notif_unread_idx",
            ),
            models.Index(fields=["recipient", "actor", "type", "target_id"], name="notif_dedupe_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "fanout_key"],
                condition=~Q(fanout_key=""),
                name="notification_fanout_unique",
            ),
        ]

    def __str__(self):
        return f"{self.type} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def target(self) -> dict | None:
        if not self.target_kind:
            return None
        return {
            "app": self.target_app,
            "kind": self.target_kind,
            "id": self.target_id,
            "snapshot": self.target_snapshot,
        }


class NotificationSettings(BaseModel):
    """One row per user, created lazily: absent means the catalogue defaults."""

    class StrangerPolicy(models.TextChoices):
        ACCEPT = "accept", "Accept"
        FILTER = "filter", "Filter into requests"
        DROP = "drop", "Drop"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    # Only the switches that differ from the catalogue defaults: {type: {channel: bool}}.
    channel_overrides = models.JSONField(default=dict, blank=True)
    quiet_hours_start = models.TimeField(null=True, blank=True, help_text="In the user's own timezone.")
    quiet_hours_end = models.TimeField(null=True, blank=True)
    stranger_policy = models.CharField(max_length=8, choices=StrangerPolicy.choices, default=StrangerPolicy.ACCEPT)
    stranger_min_account_age_days = models.PositiveSmallIntegerField(
        default=0, help_text="Accounts younger than this count as strangers too."
    )
    email_digest = models.BooleanField(default=False, help_text="One daily email instead of one per notification.")
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "notification settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="notif_settings_quiet_hours_both_or_none",
            )
        ]

    def __str__(self):
        return f"settings of {self.user_id}"


class AcceptedSender(BaseModel):
    """An actor the user let through from their requests list: no longer filtered as a stranger."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "actor"], name="accepted_sender_unique")]


class PushDevice(BaseModel):
    class Kind(models.TextChoices):
        FCM = "fcm", "Firebase Cloud Messaging"
        WEBPUSH = "webpush", "Web Push"

    class Platform(models.TextChoices):
        ANDROID = "android", "Android"
        IOS = "ios", "iOS"
        WEB = "web", "Web"

    MAX_CONSECUTIVE_FAILURES = 3

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_devices")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    platform = models.CharField(max_length=8, choices=Platform.choices)
    # FCM registration token, or the Web Push subscription endpoint URL.
    token = models.CharField(max_length=2048)
    p256dh = models.CharField(max_length=200, blank=True, help_text="Web Push only.")
    auth = models.CharField(max_length=100, blank=True, help_text="Web Push only.")
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token"], name="push_device_token_unique")]
        indexes = [models.Index(fields=["user", "is_active"], name="push_device_user_active_idx")]

    def __str__(self):
        return f"{self.kind} device of {self.user_id}"


class NotificationDelivery(BaseModel):
    """One email or push delivery of one notification: its schedule (quiet hours) and its outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        HELD = "held", "Held for quiet hours"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"  # nothing to send to, or the provider is not configured
        DIGESTED = "digested", "Left for the daily digest"
        FAILED = "failed", "Failed"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=[(c, c) for c in (Channel.EMAIL, Channel.PUSH)])
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    scheduled_for = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "notification deliveries"
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notif_delivery_unique"),
        ]
        indexes = [
            models.Index(
                fields=["scheduled_for"],
                condition=Q(status__in=["pending", "held"]),
                name="notif_delivery_due_idx",
            )
        ]

    def __str__(self):
        return f"{self.channel} {self.status} for {self.notification_id}"


class FanoutJob(BaseModel):
    """A one-to-many event being written to every follower of `actor`, resumable from `cursor`."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=32, choices=NotificationType.choices)
    fanout_key = models.CharField(max_length=255)
    target_app = models.CharField(max_length=50, blank=True)
    target_kind = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_snapshot = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    # The id of the last Follow edge processed: keyset pagination resumes after it.
    cursor = models.UUIDField(null=True, blank=True)
    batches = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fanout_key"], name="fanout_job_key_unique")]

    def __str__(self):
        return f"fan-out {self.fanout_key} ({self.status})"
