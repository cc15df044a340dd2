"""Likes on posts, videos and comments: idempotent, exactly counted, notified (grouped)."""

from django.db import IntegrityError, transaction

from notifications.services import notification_send
from social.models import Like
from social.targets import counter_add, kind_of, owner_of
from users.models import User


@transaction.atomic
def like_create(*, user: User, target) -> tuple[Like, bool]:
    """Like `target` (a Post, Video or Comment the caller already checked `user` may see).

    Idempotent: liking again returns (existing like, False) and changes nothing. Two concurrent first
    likes by the same person race on the partial unique index; the loser's savepoint rolls back and it
    returns the winner's row, so the counter moves once. The counter moves with F() in this transaction.
    """
    kind = kind_of(target)
    like = Like(user=user, **{kind: target})
    like.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            like.save(force_insert=True)
    except IntegrityError:
        return Like.objects.get(user=user, **{kind: target}), False
    counter_add(target, "like_count" if kind == "comment" else "likes_count", 1)
    # The notifications service drops self-likes, honours blocks/mutes/preferences and groups likes.
    notification_send(recipient=owner_of(target), type="like", actor=user, target=target, data={"kind": kind})
    return like, True


@transaction.atomic
def like_delete(*, user: User, target) -> bool:
    """Remove the like if there is one (idempotent). True when a like was removed."""
    kind = kind_of(target)
    deleted, _ = Like.objects.filter(user=user, **{kind: target}).delete()
    if deleted:
        counter_add(target, "like_count" if kind == "comment" else "likes_count", -1)
    return bool(deleted)
