"""Demo engagement for `manage.py seed_demo`: fans like, comment on and save creators' posts and videos.

Runs after content's demo (it needs posts/videos); does nothing when there are none. Idempotent:
likes and saves are idempotent services, and a comment is added only if the fan has none on the item.
"""

from content.models import Post, Video
from social import services
from social.models import Comment

STEPS = 2
COMMENTS = ["This is great!", "Saving this for later.", "How long did this take you?", "Love it."]


def seed(ctx, step):
    fans = ctx.get("fans") or []
    creators = ctx.get("creators") or []
    # A stable order: a second run must pick the same items (idempotent).
    items = list(
        Post.objects.filter(author__in=creators, repost_of__isnull=True, published_at__isnull=False).order_by("id")[:12]
    )
    items += list(Video.objects.filter(author__in=creators, status=Video.Status.READY).order_by("id")[:6])
    for i, fan in enumerate(fans):
        for j, item in enumerate(items):
            if (i + j) % 2 == 0:
                services.like_create(user=fan, target=item)
            if (i + j) % 5 == 0:
                services.save_create(user=fan, target=item)
    step("likes and saves")
    for i, fan in enumerate(fans):
        for j, item in enumerate(items):
            if (i + j) % 3 != 0:
                continue
            kind = "post" if isinstance(item, Post) else "video"
            if Comment.objects.filter(author=fan, **{kind: item}).exists():
                continue
            if not services.comment_policy_allows(user=fan, target=item):
                continue  # the creator limited who may comment on this one
            services.comment_create(author=fan, target=item, text=COMMENTS[(i + j) % len(COMMENTS)])
    step("comments")
