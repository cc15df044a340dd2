"""Videos: uploaded in parts, processed by ffmpeg into an HLS ladder, played through signed URLs.

`status` changes only through content.services.videos.video_transition (the graph is TRANSITIONS).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q

from content.models.common import CommentPolicy, VideoVisibility
from core.models import BaseModel, SoftDeleteModel, SoftDeleteQuerySet


class VideoQuerySet(SoftDeleteQuerySet):
    def visible_to(self, viewer, *, listing: bool = True):
        """Videos `viewer` may see; `listing` hides unlisted ones (they open by link only)."""
        from content.selectors.visibility import video_visible_q

        return self.filter(video_visible_q(viewer, listing=listing))

    def ready(self):
        return self.filter(status=Video.Status.READY)


class VideoManager(models.Manager.from_queryset(VideoQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Video(SoftDeleteModel):
    Visibility = VideoVisibility
    CommentPolicy = CommentPolicy

    class Status(models.TextChoices):
        UPLOADING = "uploading"
        UPLOADED = "uploaded"
        PROCESSING = "processing"
        READY = "ready"
        FAILED = "failed"

    class Source(models.TextChoices):
        UPLOAD = "upload"
        RECORDING = "recording"

    class Storage(models.TextChoices):
        LOCAL = "local"
        S3 = "s3"

    # The allowed status moves; anything else is a Conflict. Re-processing goes failed/ready → processing.
    TRANSITIONS = {
        Status.UPLOADING: {Status.UPLOADED, Status.FAILED},
        Status.UPLOADED: {Status.PROCESSING, Status.FAILED},
        Status.PROCESSING: {Status.PROCESSING, Status.READY, Status.FAILED},
        Status.READY: {Status.PROCESSING},
        Status.FAILED: {Status.PROCESSING},
    }

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, validators=[MaxLengthValidator(5000)])
    tags = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=40, blank=True, db_index=True)
    language = models.CharField(max_length=8, blank=True)
    visibility = models.CharField(max_length=16, choices=VideoVisibility.choices, default=VideoVisibility.PUBLIC)
    min_tier = models.ForeignKey("payments.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    age_restricted = models.BooleanField(default=False)
    comments_enabled = models.BooleanField(default=True)
    comment_policy = models.CharField(max_length=16, choices=CommentPolicy.choices, default=CommentPolicy.EVERYONE)
    scheduled_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set when the video is both processed and due (now, or at scheduled_at); empty means unpublished.
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    source = models.CharField(max_length=16, choices=Source.choices, default=Source.UPLOAD)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADING, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    failure_reason = models.CharField(max_length=500, blank=True)
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    # Upload session
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0, help_text="Declared at upload, then measured.")
    part_size = models.PositiveIntegerField(default=0)
    part_count = models.PositiveIntegerField(default=0)
    storage = models.CharField(max_length=8, choices=Storage.choices, default=Storage.LOCAL)
    upload_id = models.CharField(max_length=1024, blank=True, help_text="S3 multipart upload id.")
    source_key = models.CharField(max_length=512, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True, help_text="Every part received and assembled.")

    # Measured by ffprobe / produced by ffmpeg
    duration_seconds = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    video_codec = models.CharField(max_length=40, blank=True)
    audio_codec = models.CharField(max_length=40, blank=True)
    renditions = models.JSONField(default=list, blank=True, help_text="HLS rungs produced, e.g. ['360p', '240p'].")
    hls_prefix = models.CharField(max_length=512, blank=True, help_text="Storage key prefix of the HLS output.")
    thumbnail_key = models.CharField(max_length=512, blank=True)
    poster_key = models.CharField(max_length=512, blank=True)

    likes_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)
    views_count = models.PositiveIntegerField(default=0)
    saves_count = models.PositiveIntegerField(default=0)
    watch_seconds_total = models.FloatField(default=0)
    trending_score = models.FloatField(default=0, db_index=True)

    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = VideoManager()

    class Meta:
        indexes = [
            models.Index(fields=["author", "-created_at"], name="video_author_created_idx"),
            # The following feed pages videos by (author, published_at) like posts.
            models.Index(fields=["author", "-published_at"], name="video_author_published_idx"),
            models.Index(fields=["-trending_score", "id"], name="video_trending_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="video_progress_le_100"),
        ]

    def __str__(self):
        return self.title

    @property
    def owner(self):
        return self.author

    def notification_snapshot(self) -> dict:
        return {"title": self.title}

    @property
    def master_playlist_key(self) -> str:
        return f"{self.hls_prefix}/master.m3u8" if self.hls_prefix else ""


class VideoUploadPart(BaseModel):
    """A part received by the local upload endpoint (S3 keeps its own list for presigned uploads)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="upload_parts")
    part_number = models.PositiveIntegerField()
    size_bytes = models.PositiveBigIntegerField()
    etag = models.CharField(max_length=64, help_text="MD5 of the part, hex, as S3 reports it.")

    class Meta:
        ordering = ["part_number"]
        constraints = [models.UniqueConstraint(fields=["video", "part_number"], name="video_part_unique")]


class VideoWatchSession(BaseModel):
    """One viewer's (or anonymous session's) playback of a video, fed by heartbeats."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="watch_sessions")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    session_id = models.CharField(max_length=64)
    watched_seconds = models.FloatField(default=0)
    max_position = models.FloatField(default=0)
    # One bit per second of the video that this session played: the retention curve sums them.
    seconds_seen = models.BinaryField(default=b"")
    last_heartbeat_at = models.DateTimeField()
    qualified_at = models.DateTimeField(null=True, blank=True)
    counted = models.BooleanField(default=False, help_text="This session's qualification added a view.")
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "session_id"], name="watch_session_unique")]
        indexes = [
            models.Index(fields=["video", "viewer", "qualified_at"], name="watch_viewer_qualified_idx"),
        ]


class VideoDailyStat(BaseModel):
    """Per video, per day, per country (empty: unknown): qualified views and watch time."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="daily_stats")
    day = models.DateField()
    country = models.CharField(max_length=2, blank=True)
    views = models.PositiveIntegerField(default=0)
    watch_seconds = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "day", "country"], name="video_daily_stat_unique")]
