"""Trending: a time-decayed engagement score, recomputed by beat for recent items into an indexed column.

    score = (likes + 2·comments + 3·shares + views / 10) / (age_hours + 2) ** 1.5

shares are reposts + quotes for posts and saves for videos. More engagement never lowers the score and
more age never raises it (tests pin both). Hashtags score the decayed sum of their recent public uses.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from content.models import Hashtag, Post, PostHashtag, Video, VideoHashtag

WINDOW = datetime.timedelta(days=7)
HASHTAG_WINDOW = datetime.timedelta(hours=48)
GRAVITY = 1.5
BATCH = 2000


def trending_score(*, likes: int, comments: int, shares: int, views: int, age_hours: float) -> float:
    engagement = likes + 2 * comments + 3 * shares + views / 10
    return engagement / (max(age_hours, 0.0) + 2) ** GRAVITY


def _age_hours(published_at, now) -> float:
    return max(0.0, (now - published_at).total_seconds() / 3600)


def _recompute(model, fields: tuple, shares, now) -> int:
    since = now - WINDOW
    updated = 0
    qs = model.objects.filter(published_at__gte=since, published_at__lte=now)
    if model is Post:
        qs = qs.filter(repost_of__isnull=True)
    rows = list(qs.only("pk", "published_at", *fields).order_by("pk")[: BATCH * 10])
    for row in rows:
        row.trending_score = trending_score(
            likes=row.likes_count,
            comments=row.comments_count,
            shares=shares(row),
            views=row.views_count,
            age_hours=_age_hours(row.published_at, now),
        )
    with transaction.atomic():
        model.objects.bulk_update(rows, ["trending_score"], batch_size=500)
        updated += len(rows)
        # Items that left the window stop trending.
        model.all_objects.filter(Q(published_at__lt=since) | Q(deleted_at__isnull=False), trending_score__gt=0).update(
            trending_score=0
        )
    return updated


def _recompute_hashtags(now) -> int:
    since = now - HASHTAG_WINDOW
    scores: dict = {}
    post_uses = PostHashtag.objects.filter(
        created_at__gte=since,
        post__deleted_at__isnull=True,
        post__visibility=Post.Visibility.PUBLIC,
        post__published_at__lte=now,
    ).values_list("hashtag_id", "created_at")
    video_uses = VideoHashtag.objects.filter(
        created_at__gte=since,
        video__deleted_at__isnull=True,
        video__visibility=Video.Visibility.PUBLIC,
        video__status=Video.Status.READY,
        video__published_at__lte=now,
    ).values_list("hashtag_id", "created_at")
    for uses in (post_uses, video_uses):
        for hashtag_id, created_at in uses.iterator(chunk_size=BATCH):
            scores[hashtag_id] = scores.get(hashtag_id, 0.0) + trending_score(
                likes=1, comments=0, shares=0, views=0, age_hours=_age_hours(created_at, now)
            )
    with transaction.atomic():
        Hashtag.objects.exclude(pk__in=scores).filter(trending_score__gt=0).update(trending_score=0)
        tags = list(Hashtag.objects.filter(pk__in=scores))
        for tag in tags:
            tag.trending_score = scores[tag.pk]
        Hashtag.objects.bulk_update(tags, ["trending_score"], batch_size=500)
    return len(tags)


def trending_recompute(*, now=None) -> dict:
    now = now or timezone.now()
    return {
        "posts": _recompute(
            Post,
            ("likes_count", "comments_count", "reposts_count", "quotes_count", "views_count"),
            lambda p: p.reposts_count + p.quotes_count,
            now,
        ),
        "videos": _recompute(
            Video, ("likes_count", "comments_count", "saves_count", "views_count"), lambda v: v.saves_count, now
        ),
        "hashtags": _recompute_hashtags(now),
    }
