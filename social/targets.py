"""What likes, comments, saves and reports point at: finding it for a viewer, and counting on it.

Posts and videos belong to content (visibility and counters are its services); comments are ours.
Every engagement service goes through here, so "hidden is 404" and "counters move with F() in the
caller's transaction" are decided once.
"""

from django.db.models import F

from content import services as content_services
from content.models import Post, Video
from content.selectors import post_get_visible, video_get_visible
from core.exceptions import NotFound
from social.models import Comment

KINDS = ("post", "video", "comment")


def kind_of(target) -> str:
    if isinstance(target, Post):
        return "post"
    if isinstance(target, Video):
        return "video"
    if isinstance(target, Comment):
        return "comment"
    raise TypeError(f"not an engagement target: {type(target).__name__}")


def content_get_visible(*, viewer, kind: str, id) -> Post | Video:
    """A post or video the viewer may see (unlisted videos open by id), else NotFound."""
    if kind == "post":
        return post_get_visible(viewer=viewer, id=id)
    if kind == "video":
        return video_get_visible(viewer=viewer, id=id)
    raise NotFound("No such item.")


def owner_of(target):
    """The account whose thing it is (the content's author, the comment's author)."""
    return target.author


def counter_add(target, field: str, delta: int) -> None:
    """Move a denormalised counter with F(), in the caller's transaction."""
    if not delta:
        return
    kind = kind_of(target)
    if kind == "post":
        content_services.post_counter_add(post_id=target.pk, field=field, delta=delta)
    elif kind == "video":
        content_services.video_counter_add(video_id=target.pk, field=field, delta=delta)
    else:
        Comment.all_objects.filter(pk=target.pk).update(**{field: F(field) + delta})
