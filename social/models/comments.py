"""Threaded comments on posts and videos."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q

from core.models import SoftDeleteModel
from social.models.targets import exactly_one_of

COMMENT_MAX_LENGTH = 2000


class Comment(SoftDeleteModel):
    """A comment on exactly one post or video; `parent` makes it a reply (any depth).

    A deleted comment that still has replies keeps its row and place in the thread and is shown as
    removed (no author, no text), so the conversation under it stays readable.
    """

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    post = models.ForeignKey(
        "content.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="social_comments"
    )
    video = models.ForeignKey(
        "content.Video", on_delete=models.CASCADE, null=True, blank=True, related_name="social_comments"
    )
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    text = models.TextField(validators=[MinLengthValidator(1), MaxLengthValidator(COMMENT_MAX_LENGTH)])
    like_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0, help_text="Direct replies not deleted.")
    edited_at = models.DateTimeField(null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=exactly_one_of("post", "video"), name="comment_one_target"),
            # The content owner pins at most one comment per item.
            models.UniqueConstraint(
                fields=["post"], condition=Q(pinned_at__isnull=False, post__isnull=False), name="comment_one_pin_post"
            ),
            models.UniqueConstraint(
                fields=["video"],
                condition=Q(pinned_at__isnull=False, video__isnull=False),
                name="comment_one_pin_video",
            ),
        ]
        indexes = [
            # Top-level lists: newest ((target, parent, id)) and top ((target, parent, like_count, id)).
            models.Index(fields=["post", "parent", "id"], name="comment_post_thread_idx"),
            models.Index(fields=["video", "parent", "id"], name="comment_video_thread_idx"),
            models.Index(fields=["post", "parent", "like_count", "id"], name="comment_post_top_idx"),
            models.Index(fields=["video", "parent", "like_count", "id"], name="comment_video_top_idx"),
        ]

    def __str__(self):
        return f"comment {self.pk} by {self.author_id}"

    def notification_snapshot(self) -> dict:
        """What a notification about this comment shows (the notifications app shortens the text)."""
        return {"text": self.text, "on": self.target_kind, "item_id": str(self.target_id)}

    @property
    def target_kind(self) -> str:
        return "post" if self.post_id else "video"

    @property
    def target_id(self):
        return self.post_id or self.video_id
