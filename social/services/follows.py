"""Follow, follow requests and follower removal: the users graph writes plus their notifications.

The edge writes and counters belong to users.services (which lock the pair of accounts); this module
adds what the social product says about them, inside the same transaction, so a follow that rolls
back never notified anyone (notification delivery itself leaves after commit).
"""

from django.db import transaction

from notifications.services import notification_send
from users import services as graph
from users.models import Follow, FollowRequest, User


@transaction.atomic
def follow_user(
    *, follower: User, following: User, hide_reposts: bool | None = None
) -> tuple[Follow | FollowRequest, bool]:
    """Follow `following`, or ask to when the account is private.

    Returns (Follow | FollowRequest, created). Following again returns the existing edge, with
    `hide_reposts` updated when one is given (and no second notification).
    """
    edge, created = graph.follow_create(follower=follower, following=following, hide_reposts=hide_reposts)
    if not created:
        return edge, False
    if isinstance(edge, FollowRequest):
        notification_send(recipient=following, type="follow_request", actor=follower, target=follower)
    else:
        notification_send(recipient=following, type="follow", actor=follower, target=follower)
    return edge, True


@transaction.atomic
def unfollow_user(*, follower: User, following: User) -> bool:
    """Unfollow (or withdraw a pending request). Idempotent: False when there was nothing to undo."""
    return graph.follow_delete(follower=follower, following=following)


@transaction.atomic
def follow_request_approve(*, request_obj: FollowRequest, by: User) -> Follow:
    follow = graph.follow_request_accept(request_obj=request_obj, by=by)
    notification_send(recipient=follow.follower, type="follow_accepted", actor=by, target=by)
    return follow


@transaction.atomic
def follow_request_decline(*, request_obj: FollowRequest, by: User) -> None:
    graph.follow_request_reject(request_obj=request_obj, by=by)


@transaction.atomic
def follower_drop(*, user: User, follower: User) -> bool:
    """`user` removes `follower` from their followers (no notification: it is a quiet action)."""
    return graph.follower_remove(user=user, follower=follower)
