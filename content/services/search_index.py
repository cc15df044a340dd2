"""Keeping the PostgreSQL search vectors current (a no-op on SQLite, where search falls back to LIKE).

Weights: A for titles, B for tags/hashtags, C for body text; search ranks with them.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db.models import Value

from content.models import Post, Video

CONFIG = "simple"  # language-neutral: posts are written in every language; no stemming surprises


def post_search_index(*, post_id) -> None:
    if not settings.USING_POSTGRES:
        return
    Post.all_objects.filter(pk=post_id).update(search_vector=SearchVector("text", weight="C", config=CONFIG))


def video_search_index(*, video_id) -> None:
    if not settings.USING_POSTGRES:
        return
    video = Video.all_objects.filter(pk=video_id).only("tags").first()
    if video is None:
        return
    tags = " ".join(video.tags or [])
    Video.all_objects.filter(pk=video_id).update(
        search_vector=SearchVector("title", weight="A", config=CONFIG)
        + SearchVector(Value(tags), weight="B", config=CONFIG)
        + SearchVector("description", weight="C", config=CONFIG)
    )
