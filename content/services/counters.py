"""Denormalised counters other apps move (social: likes, comments, saves; feeds: views).

`F()` updates inside the caller's transaction, so the count changes atomically with the row it counts.
Decrements never go below zero (a repair task recounts if a counter ever drifts).
"""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from content.detail_cache import post_changed, video_changed
from content.models import Post, Video
from core.exceptions import ValidationFailed

POST_COUNTER_FIELDS = frozenset(
    {"likes_count", "comments_count", "reposts_count", "quotes_count", "views_count", "saves_count"}
)
VIDEO_COUNTER_FIELDS = frozenset({"likes_count", "comments_count", "views_count", "saves_count"})


def _add(model, allowed, *, pk, field: str, delta: int) -> int:
    if field not in allowed:
        raise ValidationFailed(f"'{field}' is not a counter of {model.__name__}.", errors={"field": ["Unknown."]})
    if not isinstance(delta, int) or isinstance(delta, bool):
        raise ValidationFailed("delta must be an integer.")
    if delta == 0:
        return 0
    expression = F(field) + delta if delta > 0 else Greatest(F(field) + delta, Value(0))
    # all_objects: a counter may still move while the row is soft-deleted (e.g. an unlike afterwards).
    updated = model.all_objects.filter(pk=pk).update(**{field: expression})
    (post_changed if model is Post else video_changed)(pk)  # an update() sends no signal
    return updated


@transaction.atomic
def post_counter_add(*, post_id, field: str, delta: int) -> int:
    """Add `delta` to one of POST_COUNTER_FIELDS of a post; returns the number of rows updated (0 or 1)."""
    return _add(Post, POST_COUNTER_FIELDS, pk=post_id, field=field, delta=delta)


@transaction.atomic
def video_counter_add(*, video_id, field: str, delta: int) -> int:
    """Add `delta` to one of VIDEO_COUNTER_FIELDS of a video; returns the number of rows updated (0 or 1)."""
    return _add(Video, VIDEO_COUNTER_FIELDS, pk=video_id, field=field, delta=delta)


def author_counters_refresh(*, user_id) -> None:
    """Recount the author's published posts (reposts excluded) and ready published videos onto their
    profile. Called in the transaction that publishes, removes or restores one, so it sees that change;
    a recount (two indexed counts) rather than ±1 because videos reach "published" by several paths."""
    from users.services import user_counter_set

    posts = Post.objects.filter(author_id=user_id, published_at__isnull=False, repost_of__isnull=True).count()
    videos = Video.objects.filter(author_id=user_id, published_at__isnull=False, status=Video.Status.READY).count()
    user_counter_set(user_id=user_id, field="posts_count", value=posts)
    user_counter_set(user_id=user_id, field="videos_count", value=videos)
