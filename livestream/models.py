"""Live streams, their chat, moderation and audience numbers.

Video ingest and playback belong to AWS IVS (or a self-hosted RTMP/HLS server); everything social about
a stream (chat, moderation, presence, donations) lives here. `Stream.status` changes only through
`livestream.services.streams.stream_transition`.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import BaseModel, SoftDeleteModel

CHAT_MESSAGE_MAX_LENGTH = 500
BANNED_WORDS_MAX = 200


class StreamQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status=Stream.Status.LIVE)

    def upcoming(self):
        return self.filter(status=Stream.Status.SCHEDULED)


class Stream(BaseModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        LIVE = "live"
        ENDED = "ended"
        CANCELLED = "cancelled"

    class Visibility(models.TextChoices):
        PUBLIC = "public"
        FOLLOWERS = "followers"
        SUBSCRIBERS = "subscribers"

    class Latency(models.TextChoices):
        LOW = "low"
        NORMAL = "normal"

    class Category(models.TextChoices):
        GAMING = "gaming"
        MUSIC = "music"
        TALK = "talk"
        CREATIVE = "creative"
        EDUCATION = "education"
        SPORTS = "sports"
        OTHER = "other"

    class Provider(models.TextChoices):
        IVS = "ivs"
        SELF_HOSTED = "self_hosted"

    # The one state graph: every status change goes through stream_transition, which checks this.
    TRANSITIONS = {
        Status.SCHEDULED: {Status.LIVE, Status.CANCELLED},
        Status.LIVE: {Status.ENDED},
        Status.ENDED: set(),
        Status.CANCELLED: set(),
    }
    FINAL_STATUSES = (Status.ENDED, Status.CANCELLED)

    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="streams")
    title = models.CharField(max_length=140, validators=[MinLengthValidator(1)])
    description = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.OTHER)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    min_tier = models.ForeignKey(
        "payments.Tier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Subscribers-only streams: the lowest tier (by price) that may watch; empty = any tier.",
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    latency = models.CharField(max_length=8, choices=Latency.choices, default=Latency.LOW)
    record = models.BooleanField(default=False, help_text="Keep a recording and publish it as a replay video.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    # Chat settings (changed by the host and moderators through moderation services).
    slow_mode_seconds = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(3600)])
    followers_only_chat = models.BooleanField(default=False)
    subscribers_only_chat = models.BooleanField(default=False)
    min_account_age_minutes = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(60 * 24 * 90)], help_text="Accounts younger than this cannot chat."
    )
    banned_words = models.JSONField(default=list, blank=True)
    pinned_message = models.ForeignKey(
        "livestream.ChatMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Video delivery. The stream key is a credential: Fernet-encrypted (livestream.stream_keys), host-only.
    provider = models.CharField(max_length=16, choices=Provider.choices)
    ivs_channel_arn = models.CharField(max_length=255, blank=True)
    ivs_stream_key_arn = models.CharField(max_length=255, blank=True)
    ingest_endpoint = models.CharField(max_length=500)
    playback_url = models.CharField(max_length=500)
    stream_key_encrypted = models.TextField()
    # HMAC of the key: lets the self-hosted RTMP server's on_publish callback find the stream by key.
    stream_key_digest = models.CharField(max_length=64, blank=True, db_index=True)

    # Audience numbers: denormalised, changed with F() by the presence and chat services.
    current_viewers = models.PositiveIntegerField(default=0)
    peak_viewers = models.PositiveIntegerField(default=0)
    chat_messages_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True, help_text="Written once when the stream ends.")

    recording_s3_prefix = models.CharField(max_length=500, blank=True)
    replay_video = models.ForeignKey(
        "content.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = StreamQuerySet.as_manager()

    class Meta:
        constraints = [
            # A creator broadcasts one stream at a time; the database enforces it under concurrency.
            models.UniqueConstraint(fields=["host"], condition=Q(status="live"), name="stream_one_live_per_host"),
            models.CheckConstraint(
                condition=Q(min_tier__isnull=True) | Q(visibility="subscribers"), name="stream_min_tier_subscribers"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-id"], name="stream_status_id_idx"),
            models.Index(fields=["host", "-id"], name="stream_host_id_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.status})"

    def notification_snapshot(self) -> dict:
        """What a `stream_live` notification shows without loading the stream again."""
        return {"title": self.title, "host": self.host.username, "status": self.status}

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def chat_open(self) -> bool:
        return self.status in (self.Status.SCHEDULED, self.Status.LIVE)


class StreamModerator(BaseModel):
    """A user the host appointed to moderate this stream's chat."""

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="moderators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "user"], name="stream_moderator_unique")]


class ChatMessage(SoftDeleteModel):
    class Kind(models.TextChoices):
        CHAT = "chat"
        SYSTEM = "system"
        DONATION = "donation"

    class DeletionReason(models.TextChoices):
        MODERATOR = "moderator"
        BAN = "ban"
        CLEAR = "clear"
        AUTHOR = "author"

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="chat_messages")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CHAT)
    body = models.TextField(validators=[MinLengthValidator(1), MaxLengthValidator(CHAT_MESSAGE_MAX_LENGTH)])
    data = models.JSONField(default=dict, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deletion_reason = models.CharField(max_length=16, choices=DeletionReason.choices, blank=True)

    class Meta:
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["stream", "-id"], name="chat_stream_id_idx"),
            models.Index(fields=["stream", "user"], name="chat_stream_user_idx"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.body[:40]}"


class ChatSanctionQuerySet(models.QuerySet):
    def active(self, *, at=None):
        at = at or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))


class ChatSanction(BaseModel):
    """A timeout (expires) or ban (until lifted) of one user in one stream's chat."""

    class Kind(models.TextChoices):
        TIMEOUT = "timeout"
        BAN = "ban"

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="sanctions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reason = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = ChatSanctionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "user"],
                condition=Q(kind="ban", lifted_at__isnull=True),
                name="chat_sanction_one_ban",
            ),
            models.CheckConstraint(
                condition=Q(kind="ban") | Q(expires_at__isnull=False), name="chat_sanction_timeout_expires"
            ),
        ]
        indexes = [models.Index(fields=["stream", "user"], name="chat_sanction_stream_user_idx")]


class ChatModerationAction(BaseModel):
    """Append-only record of every moderation action, whichever interface (socket, REST, admin) took it."""

    class Action(models.TextChoices):
        DELETE_MESSAGE = "delete_message"
        TIMEOUT = "timeout"
        BAN = "ban"
        UNBAN = "unban"
        PIN = "pin"
        UNPIN = "unpin"
        SLOW_MODE = "slow_mode"
        FOLLOWERS_ONLY = "followers_only"
        SUBSCRIBERS_ONLY = "subscribers_only"
        MIN_ACCOUNT_AGE = "min_account_age"
        BANNED_WORDS = "banned_words"
        CLEAR_CHAT = "clear_chat"
        MODERATOR_ADD = "moderator_add"
        MODERATOR_REMOVE = "moderator_remove"

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="moderation_actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=24, choices=Action.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_message = models.ForeignKey(ChatMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["stream", "-id"], name="chat_modaction_stream_idx")]


class ViewerSession(BaseModel):
    """One websocket connection watching a stream: presence, heartbeats, watch time."""

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="viewer_sessions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Anonymous viewers are told apart by a per-browser id the client may send, else per connection.
    viewer_key = models.CharField(max_length=80)
    joined_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["stream", "left_at", "last_seen_at"], name="viewer_session_open_idx"),
            models.Index(fields=["stream", "viewer_key"], name="viewer_session_key_idx"),
        ]

    @property
    def watch_seconds(self) -> int:
        end = self.left_at or self.last_seen_at
        return max(0, int((end - self.joined_at).total_seconds()))


class StreamDonation(BaseModel):
    """A tip to the stream whose payment succeeded, shown in chat once (keyed by the tip id)."""

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="donations")
    tip_id = models.UUIDField(unique=True)
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.PositiveIntegerField(help_text="Minor units.")
    currency = models.CharField(max_length=3)
    message = models.CharField(max_length=CHAT_MESSAGE_MAX_LENGTH, blank=True)
    chat_message = models.OneToOneField(
        ChatMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="donation"
    )
