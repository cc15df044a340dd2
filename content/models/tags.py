"""Hashtags and mentions parsed from posts (and video tags), stored as rows and linked."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class Hashtag(BaseModel):
    # Stored lower-case (the parser normalises); the display form is the first one seen.
    name = models.CharField(max_length=100, unique=True)
    display_name = models.CharField(max_length=100)
    posts_count = models.PositiveIntegerField(default=0)
    videos_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True, db_index=True)
    trending_score = models.FloatField(default=0, db_index=True)

    def __str__(self):
        return f"#{self.display_name}"


class PostHashtag(BaseModel):
    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="hashtag_links")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="post_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "hashtag"], name="post_hashtag_unique")]
        indexes = [models.Index(fields=["hashtag", "-created_at"], name="post_hashtag_recent_idx")]


class VideoHashtag(BaseModel):
    video = models.ForeignKey("content.Video", on_delete=models.CASCADE, related_name="hashtag_links")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="video_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "hashtag"], name="video_hashtag_unique")]
        indexes = [models.Index(fields=["hashtag", "-created_at"], name="video_hashtag_recent_idx")]


class Mention(BaseModel):
    """@username in a post that resolved to an account (unknown names are ignored)."""

    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="mentions")
    mentioned = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions")
    notified = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "mentioned"], name="mention_unique")]
