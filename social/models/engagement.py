"""Likes and saves: one row per (person, thing), counted on the thing with F() by the services."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core.models import BaseModel
from social.models.targets import exactly_one_of


class Like(BaseModel):
    """A like of exactly one post, video or comment (database-enforced)."""

    TARGET_FIELDS = ("post", "video", "comment")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_likes")
    post = models.ForeignKey(
        "content.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="social_likes"
    )
    video = models.ForeignKey(
        "content.Video", on_delete=models.CASCADE, null=True, blank=True, related_name="social_likes"
    )
    comment = models.ForeignKey("social.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="likes")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=exactly_one_of("post", "video", "comment"), name="like_one_target"),
            models.UniqueConstraint(fields=["user", "post"], condition=Q(post__isnull=False), name="like_user_post"),
            models.UniqueConstraint(fields=["user", "video"], condition=Q(video__isnull=False), name="like_user_video"),
            models.UniqueConstraint(
                fields=["user", "comment"], condition=Q(comment__isnull=False), name="like_user_comment"
            ),
        ]
        # "Who liked this", newest first: (target, id) serves the keyset pages. The unique indexes
        # above lead with user, so they serve "did the viewer like these?" lookups.
        indexes = [
            models.Index(fields=["post", "id"], condition=Q(post__isnull=False), name="like_post_id_idx"),
            models.Index(fields=["video", "id"], condition=Q(video__isnull=False), name="like_video_id_idx"),
            models.Index(fields=["comment", "id"], condition=Q(comment__isnull=False), name="like_comment_id_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} likes {self.target_kind} {self.target_id}"

    @property
    def target_kind(self) -> str:
        return next(f for f in self.TARGET_FIELDS if getattr(self, f"{f}_id") is not None)

    @property
    def target_id(self):
        return getattr(self, f"{self.target_kind}_id")


class SaveCollection(BaseModel):
    """A named list of saved items ("Recipes", "Climbing beta"), private to its owner."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="save_collections")
    name = models.CharField(max_length=60, validators=[MinLengthValidator(1), MaxLengthValidator(60)])

    class Meta:
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="save_collection_owner_name_ci"),
        ]
        indexes = [models.Index(fields=["owner", "id"], name="save_collection_owner_id_idx")]

    def __str__(self):
        return self.name


class Save(BaseModel):
    """A bookmark of one post or video, optionally filed in one of the owner's collections."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_saves")
    post = models.ForeignKey(
        "content.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="social_saves"
    )
    video = models.ForeignKey(
        "content.Video", on_delete=models.CASCADE, null=True, blank=True, related_name="social_saves"
    )
    collection = models.ForeignKey(
        SaveCollection, on_delete=models.SET_NULL, null=True, blank=True, related_name="saves"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=exactly_one_of("post", "video"), name="save_one_target"),
            models.UniqueConstraint(fields=["user", "post"], condition=Q(post__isnull=False), name="save_user_post"),
            models.UniqueConstraint(fields=["user", "video"], condition=Q(video__isnull=False), name="save_user_video"),
        ]
        indexes = [
            models.Index(fields=["user", "id"], name="save_user_id_idx"),
            models.Index(fields=["collection", "id"], name="save_collection_id_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} saved {self.post_id or self.video_id}"
