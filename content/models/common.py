"""Choices shared by posts and videos."""

from django.db import models


class CommentPolicy(models.TextChoices):
    EVERYONE = "everyone"
    FOLLOWERS = "followers"
    SUBSCRIBERS = "subscribers"
    NOBODY = "nobody"


class PostVisibility(models.TextChoices):
    PUBLIC = "public"
    FOLLOWERS = "followers"
    SUBSCRIBERS = "subscribers"
    PRIVATE = "private"


class VideoVisibility(models.TextChoices):
    PUBLIC = "public"
    # Reachable by anyone holding the link, but never listed, searched or trending.
    UNLISTED = "unlisted"
    FOLLOWERS = "followers"
    SUBSCRIBERS = "subscribers"
    PRIVATE = "private"
