"""Repairing the denormalised engagement counters if they ever drift (a bug, a manual SQL fix).

Counters move with F() in the transaction of the row they count, so drift should not happen; this is the
safety net the architecture promises. It looks only at items with engagement since `since`, computes the
true count and the stored one in the same statement (one snapshot), and corrects by the difference —
additive, so a like landing concurrently is neither lost nor double counted.
"""

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from content import services as content_services
from content.models import Post, Video
from social.models import Comment, Like, Save


def _count(model, field: str, extra: Q | None = None):
    qs = model.objects.filter(**{field: OuterRef("pk")})
    if extra is not None:
        qs = qs.filter(extra)
    return Coalesce(
        Subquery(qs.order_by().values(field).annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
        Value(0),
    )


def _touched_ids(field: str, since) -> set:
    ids = set(Like.objects.filter(created_at__gte=since, **{f"{field}__isnull": False}).values_list(field, flat=True))
    if field in ("post", "video"):
        ids |= set(
            Save.objects.filter(created_at__gte=since, **{f"{field}__isnull": False}).values_list(field, flat=True)
        )
        ids |= set(
            Comment.all_objects.filter(updated_at__gte=since, **{f"{field}__isnull": False}).values_list(
                field, flat=True
            )
        )
    return ids


@transaction.atomic
def engagement_counters_repair(*, since) -> dict:
    """Recount likes/comments/saves of items and likes/replies of comments touched since `since`.

    Returns how many rows were corrected per kind.
    """
    fixed = {"post": 0, "video": 0, "comment": 0}
    for kind, model, add in (
        ("post", Post, lambda pk, f, d: content_services.post_counter_add(post_id=pk, field=f, delta=d)),
        ("video", Video, lambda pk, f, d: content_services.video_counter_add(video_id=pk, field=f, delta=d)),
    ):
        ids = _touched_ids(kind, since)
        rows = model.all_objects.filter(pk__in=ids).annotate(
            true_likes=_count(Like, kind),
            true_saves=_count(Save, kind),
            true_comments=_count(Comment, kind),  # Comment.objects: deleted comments do not count
        )
        for row in rows:
            drifted = False
            for field, true in (
                ("likes_count", row.true_likes),
                ("saves_count", row.true_saves),
                ("comments_count", row.true_comments),
            ):
                if getattr(row, field) != true:
                    add(row.pk, field, true - getattr(row, field))
                    drifted = True
            fixed[kind] += drifted
    comment_ids = _touched_ids("comment", since) | set(
        Comment.all_objects.filter(updated_at__gte=since, parent__isnull=False).values_list("parent_id", flat=True)
    )
    comments = Comment.all_objects.filter(pk__in=comment_ids).annotate(
        true_likes=_count(Like, "comment"), true_replies=_count(Comment, "parent")
    )
    for row in comments:
        if (row.like_count, row.reply_count) != (row.true_likes, row.true_replies):
            Comment.all_objects.filter(pk=row.pk).update(
                like_count=F("like_count") + (row.true_likes - row.like_count),
                reply_count=F("reply_count") + (row.true_replies - row.reply_count),
            )
            fixed["comment"] += 1
    return fixed
