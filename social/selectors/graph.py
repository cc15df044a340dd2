"""Reads of the follow graph for the API: lists of followers/following, requests, one relationship."""

import uuid

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Now

from core.exceptions import NotFound
from users.models import Block, Follow, FollowRequest, Mute, User
from users.selectors import user_get_visible


def _is_anonymous(viewer) -> bool:
    return viewer is None or not getattr(viewer, "is_authenticated", False)


def user_get_for_viewer(*, viewer, id) -> User:
    """An account by id or username (`me`: the viewer), hidden ones being NotFound."""
    if str(id) == "me" and not _is_anonymous(viewer):
        return viewer
    user = user_get_visible(viewer=viewer, lookup=id)
    if user is None:
        raise NotFound("No such account.")
    return user


def _hidden_accounts_q(viewer, field: str) -> Q:
    """Accounts a list must not show the viewer: gone, or blocked either way."""
    q = ~Q(**{f"{field}__status__in": User.VISIBLE_STATUSES})
    if not _is_anonymous(viewer):
        q |= Q(**{f"{field}_id__in": Block.objects.filter(blocker_id=viewer.pk).values("blocked_id")})
        q |= Q(**{f"{field}_id__in": Block.objects.filter(blocked_id=viewer.pk).values("blocker_id")})
    return q


def _annotate_viewer_follows(qs, viewer, field: str):
    if _is_anonymous(viewer):
        return qs.annotate(viewer_follows=Value(False))
    return qs.annotate(
        viewer_follows=Exists(Follow.objects.filter(follower_id=viewer.pk, following_id=OuterRef(f"{field}_id")))
    )


def _may_see_lists(*, viewer, user: User) -> bool:
    """A private account's follower and following lists are for itself and its approved followers."""
    if not user.is_private:
        return True
    if _is_anonymous(viewer):
        return False
    return viewer.pk == user.pk or Follow.objects.filter(follower_id=viewer.pk, following_id=user.pk).exists()


def followers_list(*, viewer, user: User):
    """Follow edges into `user` (newest first by the caller's cursor), each with `follower` loaded."""
    if not _may_see_lists(viewer=viewer, user=user):
        raise NotFound("No such account.")
    qs = Follow.objects.filter(following=user).exclude(_hidden_accounts_q(viewer, "follower"))
    return _annotate_viewer_follows(qs.select_related("follower"), viewer, "follower")


def following_list(*, viewer, user: User):
    if not _may_see_lists(viewer=viewer, user=user):
        raise NotFound("No such account.")
    qs = Follow.objects.filter(follower=user).exclude(_hidden_accounts_q(viewer, "following"))
    return _annotate_viewer_follows(qs.select_related("following"), viewer, "following")


def follow_requests_incoming(*, viewer):
    return (
        FollowRequest.objects.filter(target_id=viewer.pk)
        .exclude(_hidden_accounts_q(viewer, "requester"))
        .select_related("requester")
    )


def follow_request_get(*, viewer, id) -> FollowRequest:
    """A request addressed to the viewer; anyone else's is NotFound."""
    try:
        pk = uuid.UUID(str(id))
    except ValueError:
        raise NotFound("No such follow request.")
    request_obj = follow_requests_incoming(viewer=viewer).filter(pk=pk).first()
    if request_obj is None:
        raise NotFound("No such follow request.")
    return request_obj


def relationship(*, viewer, other: User) -> dict:
    """How the viewer and `other` relate, in one query."""
    me, them = viewer.pk, other.pk
    active_mute = Q(expires_at__isnull=True) | Q(expires_at__gt=Now())
    row = (
        User.objects.filter(pk=them)
        .annotate(
            following=Exists(Follow.objects.filter(follower_id=me, following_id=them)),
            followed_by=Exists(Follow.objects.filter(follower_id=them, following_id=me)),
            requested=Exists(FollowRequest.objects.filter(requester_id=me, target_id=them)),
            requested_by=Exists(FollowRequest.objects.filter(requester_id=them, target_id=me)),
            blocking=Exists(Block.objects.filter(blocker_id=me, blocked_id=them)),
            blocked_by=Exists(Block.objects.filter(blocker_id=them, blocked_id=me)),
            muting=Exists(Mute.objects.filter(active_mute, muter_id=me, muted_id=them)),
            hiding_reposts=Exists(Follow.objects.filter(follower_id=me, following_id=them, hide_reposts=True)),
        )
        .values(
            "following",
            "followed_by",
            "requested",
            "requested_by",
            "blocking",
            "blocked_by",
            "muting",
            "hiding_reposts",
        )
        .get()
    )
    return {"id": other.pk, **row}
