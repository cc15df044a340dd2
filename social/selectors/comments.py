"""Reads of comments: one comment for a viewer, an item's thread, a comment's replies."""

import uuid

from django.db.models import Exists, OuterRef, Q

from core.exceptions import NotFound
from social.models import Comment, Like
from social.targets import content_get_visible
from users.models import Block, Mute, User


def _is_anonymous(viewer) -> bool:
    return viewer is None or not getattr(viewer, "is_authenticated", False)


def hidden_authors_q(viewer, *, prefix: str = "") -> Q:
    """Authors whose comments the viewer does not see: blocked either way, muted, or gone accounts.

    Subqueries, not id lists, so the rule costs no extra query.
    """
    q = ~Q(**{f"{prefix}author__status__in": User.VISIBLE_STATUSES})
    if _is_anonymous(viewer):
        return q
    from django.db.models.functions import Now

    q |= Q(**{f"{prefix}author_id__in": Block.objects.filter(blocker_id=viewer.pk).values("blocked_id")})
    q |= Q(**{f"{prefix}author_id__in": Block.objects.filter(blocked_id=viewer.pk).values("blocker_id")})
    active_mutes = Mute.objects.filter(muter_id=viewer.pk).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))
    q |= Q(**{f"{prefix}author_id__in": active_mutes.values("muted_id")})
    return q


def with_viewer_state(queryset, viewer):
    """Annotate `viewer_liked` (False for anonymous viewers)."""
    if _is_anonymous(viewer):
        from django.db.models import Value

        return queryset.annotate(viewer_liked=Value(False))
    return queryset.annotate(viewer_liked=Exists(Like.objects.filter(user_id=viewer.pk, comment_id=OuterRef("pk"))))


def comment_get_visible(*, viewer, id, include_removed: bool = False) -> Comment:
    """A comment the viewer may see, with `.target` (its post or video) set; NotFound otherwise.

    Visible means: its item is visible to the viewer, its author is not hidden from the viewer
    (blocked either way, gone), and it is not deleted. `include_removed` also admits a deleted comment
    that still holds replies (it reads as removed, so its replies stay reachable).
    """
    try:
        pk = uuid.UUID(str(id))
    except ValueError:
        raise NotFound("No such comment.")
    qs = Comment.all_objects.filter(pk=pk)
    if include_removed:
        qs = qs.filter(Q(deleted_at__isnull=True) | Q(reply_count__gt=0))
    else:
        qs = qs.filter(deleted_at__isnull=True)
    comment = with_viewer_state(qs, viewer).select_related("author", "parent").first()
    if comment is None:
        raise NotFound("No such comment.")
    try:
        target = content_get_visible(viewer=viewer, kind=comment.target_kind, id=comment.target_id)
    except NotFound:
        raise NotFound("No such comment.")
    if comment.is_deleted:
        pass  # a removed placeholder shows no author, so whose it was does not matter
    elif not _is_anonymous(viewer) and comment.author_id != viewer.pk:
        if Comment.all_objects.filter(pk=pk).filter(hidden_authors_q(viewer)).exists():
            raise NotFound("No such comment.")
    elif comment.author.status not in User.VISIBLE_STATUSES:
        raise NotFound("No such comment.")
    comment.target = target
    return comment


def _thread_qs(viewer):
    """Comments readable in a thread: alive ones, and deleted ones still holding replies (shown as removed).

    Hidden authors' comments are dropped, except removed placeholders (they show no author anyway).
    """
    alive = Q(deleted_at__isnull=True) & ~hidden_authors_q(viewer)
    placeholder = Q(deleted_at__isnull=False, reply_count__gt=0)
    return with_viewer_state(Comment.all_objects.filter(alive | placeholder), viewer).select_related("author")


def comment_list_for_target(*, viewer, target, kind: str, exclude_pinned: bool = True):
    """Top-level comments of a visible post or video (order applied by the caller's paginator)."""
    qs = _thread_qs(viewer).filter(**{kind: target}, parent__isnull=True)
    if exclude_pinned:
        qs = qs.filter(pinned_at__isnull=True)
    return qs


def comment_pinned_for_target(*, viewer, target, kind: str) -> Comment | None:
    return (
        with_viewer_state(Comment.objects.filter(**{kind: target}, pinned_at__isnull=False), viewer)
        .exclude(hidden_authors_q(viewer))
        .select_related("author")
        .first()
    )


def comment_replies(*, viewer, comment: Comment):
    """Direct replies of a comment (order applied by the caller's paginator: oldest first)."""
    return _thread_qs(viewer).filter(parent=comment)
