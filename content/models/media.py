"""Images uploaded before the post that carries them (re-encoded, EXIF stripped, thumbnails made)."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class MediaImage(BaseModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_images")
    # Attached when a post is created with it; unattached images older than a day are swept.
    post = models.ForeignKey("content.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="media")
    position = models.PositiveSmallIntegerField(default=0)
    image = models.CharField(max_length=255, help_text="Storage key of the re-encoded image.")
    thumbnail = models.CharField(max_length=255, help_text="Storage key of the thumbnail.")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    format = models.CharField(max_length=8, help_text="Output format: jpeg, png, webp or gif.")
    alt_text = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["post", "position"], name="media_post_position_idx")]

    def __str__(self):
        return self.image
