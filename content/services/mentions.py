"""Mention rows for @usernames in a post, and the notification each new one sends."""

from django.db import transaction
from django.db.models.functions import Lower

from content.models import Mention, Post
from content.parsing import parse
from content.selectors.visibility import post_visible_q
from users.models import User

MAX_MENTIONS = 20  # more than this in one post is spam; the rest are plain text


@transaction.atomic
def post_mentions_sync(*, post: Post, notify: bool) -> list[Mention]:
    """Store a Mention per resolved username; notify mentioned users who can see the post (once each).

    The notifications service drops blocked and muting recipients itself.
    """
    names = parse(post.text).mentions[:MAX_MENTIONS]
    users = list(
        User.objects.visible().annotate(lname=Lower("username")).filter(lname__in=names).exclude(pk=post.author_id)
    )
    Mention.objects.filter(post=post).exclude(mentioned__in=users).delete()
    existing = {m.mentioned_id: m for m in Mention.objects.filter(post=post)}
    created = [Mention.objects.create(post=post, mentioned=u) for u in users if u.pk not in existing]
    mentions = [*existing.values(), *created]
    if notify:
        from notifications.services import notification_send

        for mention in mentions:
            if mention.notified:
                continue
            if not Post.objects.filter(pk=post.pk).filter(post_visible_q(mention.mentioned)).exists():
                continue  # a followers-only post must not reach a stranger through a mention
            notification_send(recipient=mention.mentioned, type="mention", actor=post.author, target=post)
            mention.notified = True
            mention.save(update_fields=["notified", "updated_at"])
    return mentions
