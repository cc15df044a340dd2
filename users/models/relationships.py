"""The social graph's raw edges: follows, follow requests, blocks and mutes.

They live in `users` (the bottom domain layer) because every layer above needs them to decide what a
viewer may see: notifications filter by them, content visibility reads follows, feeds read all four.
Writes go through users.services (the social app composes them with notifications).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import BaseModel


class Follow(BaseModel):
    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_edges")
    following = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_edges")
    hide_reposts = models.BooleanField(default=False, help_text="Keep this account's reposts out of my feed.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "following"], name="follow_unique"),
            models.CheckConstraint(condition=~Q(follower=F("following")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["following", "id"], name="follow_following_id_idx")]

    def __str__(self):
        return f"{self.follower_id} → {self.following_id}"


class FollowRequest(BaseModel):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_follow_requests"
    )
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_requests")
    hide_reposts = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requester", "target"], name="follow_request_unique"),
            models.CheckConstraint(condition=~Q(requester=F("target")), name="follow_request_not_self"),
        ]


class Block(BaseModel):
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]


class Mute(BaseModel):
    muter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes_made")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes_received")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until unmuted.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_unique"),
            models.CheckConstraint(condition=~Q(muter=F("muted")), name="mute_not_self"),
        ]
