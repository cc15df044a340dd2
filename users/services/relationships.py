"""Writes on the social graph's raw edges: follows, follow requests, blocks and mutes.

Every service that adds or removes a Follow locks both accounts' rows (in primary-key order, so two
services touching the same pair never deadlock) before it reads the edges. That one lock makes three
things exact under concurrency: the "already following?" check and the insert cannot interleave, a
block cannot slip between a follow's block check and its insert, and the F() counter updates move by
exactly the number of rows created or deleted. These services write only `users` models; the social
app composes them with notifications in the same transaction.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.exceptions import NotFound, ValidationFailed
from users.models import Block, Follow, FollowRequest, Mute, User


def _lock_pair(a: User, b: User) -> None:
    """Row-lock both accounts in a fixed order (by id) for the rest of the transaction."""
    ids = sorted([a.pk, b.pk])
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _bump(user_id, field: str, delta: int) -> None:
    if delta:
        User.objects.filter(pk=user_id).update(**{field: F(field) + delta})


def _refresh_counters(*users: User) -> None:
    """Keep the caller's instances honest after the F() updates (they are used in responses)."""
    for u in users:
        u.refresh_from_db(fields=["followers_count", "following_count"])


def _remove_follow(follower: User, following: User) -> bool:
    """Delete one Follow edge and move both counters. The caller holds the pair lock."""
    deleted, _ = Follow.objects.filter(follower=follower, following=following).delete()
    if deleted:
        _bump(follower.pk, "following_count", -1)
        _bump(following.pk, "followers_count", -1)
    return bool(deleted)


def _add_follow(follower: User, following: User, hide_reposts: bool) -> Follow:
    follow = Follow(follower=follower, following=following, hide_reposts=hide_reposts)
    follow.full_clean(validate_unique=False, validate_constraints=False)
    follow.save(force_insert=True)
    _bump(follower.pk, "following_count", 1)
    _bump(following.pk, "followers_count", 1)
    return follow


def _refuse_hidden(viewer: User, other: User) -> None:
    """A blocked pair (either way) or a gone account look like a missing one: 404, never 403."""
    if other.status not in User.VISIBLE_STATUSES:
        raise NotFound("No such account.")
    if Block.objects.filter(Q(blocker=viewer, blocked=other) | Q(blocker=other, blocked=viewer)).exists():
        raise NotFound("No such account.")


def _set_hide_reposts(edge: Follow | FollowRequest, hide_reposts: bool | None) -> None:
    if hide_reposts is not None and edge.hide_reposts != hide_reposts:
        edge.hide_reposts = hide_reposts
        edge.save(update_fields=["hide_reposts", "updated_at"])


@transaction.atomic
def follow_create(
    *, follower: User, following: User, hide_reposts: bool | None = None
) -> tuple[Follow | FollowRequest, bool]:
    """Follow an account, or ask to when it is private.

    Returns (Follow, created) for a public account and (FollowRequest, created) for a private one;
    repeating the call returns the existing edge with created=False (an existing Follow wins over a
    request); a `hide_reposts` given (not None) updates the existing edge's option, as Mastodon's follow
    with `reblogs` does. Self-follow is a ValidationFailed; a block either way or a hidden account is NotFound.
    """
    if follower.pk == following.pk:
        raise ValidationFailed("You cannot follow yourself.", errors={"user": ["You cannot follow yourself."]})
    _lock_pair(follower, following)
    following.refresh_from_db(fields=["is_private", "status"])
    _refuse_hidden(follower, following)
    existing = Follow.objects.filter(follower=follower, following=following).first()
    if existing is not None:
        _set_hide_reposts(existing, hide_reposts)
        return existing, False
    if following.is_private:
        request_obj = FollowRequest.objects.filter(requester=follower, target=following).first()
        if request_obj is not None:
            _set_hide_reposts(request_obj, hide_reposts)
            return request_obj, False
        request_obj = FollowRequest(requester=follower, target=following, hide_reposts=bool(hide_reposts))
        request_obj.full_clean(validate_unique=False, validate_constraints=False)
        request_obj.save(force_insert=True)
        return request_obj, True
    follow = _add_follow(follower, following, bool(hide_reposts))
    _refresh_counters(follower, following)
    return follow, True


@transaction.atomic
def follow_delete(*, follower: User, following: User) -> bool:
    """Unfollow, and withdraw a pending follow request. True when something was removed."""
    _lock_pair(follower, following)
    removed = _remove_follow(follower, following)
    withdrawn, _ = FollowRequest.objects.filter(requester=follower, target=following).delete()
    _refresh_counters(follower, following)
    return removed or bool(withdrawn)


def _request_for_target(request_obj: FollowRequest, by: User) -> FollowRequest:
    """Only the requested account decides; to anyone else the request does not exist."""
    if request_obj.target_id != by.pk:
        raise NotFound("No such follow request.")
    # Re-read under the pair lock: a concurrent accept/reject/withdraw may already have removed it.
    _lock_pair(request_obj.requester, request_obj.target)
    current = FollowRequest.objects.select_related("requester", "target").filter(pk=request_obj.pk).first()
    if current is None:
        raise NotFound("No such follow request.")
    return current


@transaction.atomic
def follow_request_accept(*, request_obj: FollowRequest, by: User) -> Follow:
    """The private account `by` approves a request: the Follow is created and the request removed."""
    current = _request_for_target(request_obj, by)
    requester, target = current.requester, current.target
    current.delete()
    follow = Follow.objects.filter(follower=requester, following=target).first()
    if follow is None:
        follow = _add_follow(requester, target, current.hide_reposts)
    _refresh_counters(requester, target)
    if by is not target:
        _refresh_counters(by)
    return follow


@transaction.atomic
def follow_request_reject(*, request_obj: FollowRequest, by: User) -> None:
    """The private account `by` declines a request (the requester is not told)."""
    _request_for_target(request_obj, by).delete()


@transaction.atomic
def follower_remove(*, user: User, follower: User) -> bool:
    """`user` removes `follower` from their followers (no block). True when they were following."""
    _lock_pair(user, follower)
    removed = _remove_follow(follower, user)
    _refresh_counters(user, follower)
    return removed


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> tuple[Block, bool]:
    """Block an account: follows and follow requests both ways are removed, counters kept exact.

    Idempotent: blocking again returns (existing block, False) and changes nothing.
    """
    if blocker.pk == blocked.pk:
        raise ValidationFailed("You cannot block yourself.", errors={"user": ["You cannot block yourself."]})
    _lock_pair(blocker, blocked)
    existing = Block.objects.filter(blocker=blocker, blocked=blocked).first()
    if existing is not None:
        return existing, False
    _remove_follow(blocker, blocked)
    _remove_follow(blocked, blocker)
    FollowRequest.objects.filter(Q(requester=blocker, target=blocked) | Q(requester=blocked, target=blocker)).delete()
    block = Block(blocker=blocker, blocked=blocked)
    block.full_clean(validate_unique=False, validate_constraints=False)
    block.save(force_insert=True)
    _refresh_counters(blocker, blocked)
    return block, True


@transaction.atomic
def block_delete(*, blocker: User, blocked: User) -> bool:
    """Unblock. Follows removed by the block are not restored. True when a block existed."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


@transaction.atomic
def mute_create(*, muter: User, muted: User, duration: timedelta | None = None) -> tuple[Mute, bool]:
    """Mute an account (their content leaves the muter's feeds; they are not told).

    `duration` None mutes until unmuted; muting again replaces the expiry. Returns (mute, created).
    """
    if muter.pk == muted.pk:
        raise ValidationFailed("You cannot mute yourself.", errors={"user": ["You cannot mute yourself."]})
    if duration is not None and duration <= timedelta(0):
        raise ValidationFailed("The duration must be positive.", errors={"duration": ["Must be positive."]})
    expires_at = timezone.now() + duration if duration is not None else None
    mute, created = Mute.objects.select_for_update().get_or_create(
        muter=muter, muted=muted, defaults={"expires_at": expires_at}
    )
    if not created and mute.expires_at != expires_at:
        mute.expires_at = expires_at
        mute.save(update_fields=["expires_at", "updated_at"])
    return mute, created


@transaction.atomic
def mute_delete(*, muter: User, muted: User) -> bool:
    deleted, _ = Mute.objects.filter(muter=muter, muted=muted).delete()
    return bool(deleted)


@transaction.atomic
def follow_requests_accept_all(*, user: User) -> int:
    """Approve every pending request (used when a private account turns public). Returns the count."""
    count = 0
    for request_obj in FollowRequest.objects.filter(target=user).select_related("requester", "target"):
        follow_request_accept(request_obj=request_obj, by=user)
        count += 1
    return count
