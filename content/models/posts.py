"""Posts: short text with images, reposts and quotes. Writes go through content.services.posts."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from content.models.common import CommentPolicy, PostVisibility
from core.models import BaseModel, SoftDeleteModel, SoftDeleteQuerySet


class PostQuerySet(SoftDeleteQuerySet):
    def visible_to(self, viewer):
        """Posts `viewer` may see in a list (the one rule lives in content.selectors.visibility)."""
        from content.selectors.visibility import post_visible_q

        return self.filter(post_visible_q(viewer))

    def originals(self):
        """Posts and quotes, not plain reposts."""
        return self.filter(repost_of__isnull=True)


class PostManager(models.Manager.from_queryset(PostQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Post(SoftDeleteModel):
    Visibility = PostVisibility
    CommentPolicy = CommentPolicy

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    text = models.TextField(blank=True, validators=[MaxLengthValidator(5000)])
    visibility = models.CharField(max_length=16, choices=PostVisibility.choices, default=PostVisibility.PUBLIC)
    min_tier = models.ForeignKey(
        "payments.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Subscribers-only: the cheapest tier that unlocks the post (empty: any tier).",
    )  # fmt: skip
    sensitive = models.BooleanField(default=False)
    content_warning = models.CharField(max_length=200, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Empty until the post is published (now, or by the scheduler at `scheduled_at`).
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    quote_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    repost_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="reposts")
    allow_quotes = models.BooleanField(default=True)
    comment_policy = models.CharField(max_length=16, choices=CommentPolicy.choices, default=CommentPolicy.EVERYONE)

    # Denormalised counters: changed with F() by the services that create/delete what they count.
    likes_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)
    reposts_count = models.PositiveIntegerField(default=0)
    quotes_count = models.PositiveIntegerField(default=0)
    views_count = models.PositiveIntegerField(default=0)
    saves_count = models.PositiveIntegerField(default=0)
    trending_score = models.FloatField(default=0, db_index=True)

    # Maintained by content.search on PostgreSQL (GIN index added by migration there); NULL on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = PostManager()

    class Meta:
        constraints = [
            # Reposting is idempotent: one live repost per (author, original).
            models.UniqueConstraint(
                fields=["author", "repost_of"],
                condition=Q(repost_of__isnull=False, deleted_at__isnull=True),
                name="post_one_live_repost",
            ),
            models.CheckConstraint(
                condition=Q(repost_of__isnull=True) | Q(quote_of__isnull=True), name="post_repost_not_quote"
            ),
        ]
        indexes = [
            models.Index(fields=["author", "-published_at"], name="post_author_published_idx"),
            models.Index(fields=["-trending_score", "id"], name="post_trending_idx"),
        ]

    def __str__(self):
        return f"Post {self.pk} by {self.author_id}"

    def notification_snapshot(self) -> dict:
        return {"text": self.text[:140]}

    @property
    def is_repost(self) -> bool:
        return self.repost_of_id is not None

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PostEdit(BaseModel):
    """The text a post had before an edit (its history, oldest first)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="edits")
    previous_text = models.TextField(blank=True)
    previous_content_warning = models.CharField(max_length=200, blank=True)
    previous_sensitive = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
