"""Fan-out-on-read timelines over posts and videos, keyset-paginated, with a fixed query count.

Each page is built from two bounded queries (posts, videos), each reading at most `limit + 1` rows in
the page's order from an index, merged in Python; then one query loads the posts' images. The
viewer's state (liked, saved, reposted) and "do I follow the author" are EXISTS subqueries on those
rows, and every rule (visibility, blocks, mutes, hidden reposts) is a subquery in the WHERE clause, so
the count is the same for 1 row or 100: content's visibility rule costs one query per use (the
viewer's subscriptions), used twice (posts, videos), plus posts, videos and images — 5 at most.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from content.models import Post, PostVisibility, Video, VideoVisibility
from content.models.media import MediaImage
from content.models.tags import PostHashtag, VideoHashtag
from content.selectors import post_visible_q, video_visible_q
from social.models import Like, Save
from social.pagination import after_q
from users.models import Follow, Mute


@dataclass
class FeedItem:
    kind: str  # "post" | "video"
    row: Post | Video  # the timeline row (for a repost: the repost)
    item: Post | Video  # what is shown (for a repost: the original)
    reason: dict
    media: list = field(default_factory=list)

    @property
    def reposted_by(self):
        return self.row.author if self.kind == "post" and self.row.repost_of_id else None


@dataclass
class FeedPage:
    items: list
    next_values: list | None


def _is_anonymous(viewer) -> bool:
    return viewer is None or not getattr(viewer, "is_authenticated", False)


def _muted_ids(viewer):
    return (
        Mute.objects.filter(muter_id=viewer.pk)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))
        .values("muted_id")
    )


def _published(prefix: str = "") -> Q:
    # Authors see their own drafts and scheduled items elsewhere; timelines show published ones only.
    return Q(**{f"{prefix}published_at__isnull": False, f"{prefix}published_at__lte": timezone.now()})


def _annotate_viewer(qs, viewer, *, kind: str, shown: str):
    """viewer_liked / viewer_saved / viewer_reposted / viewer_follows_author on each row.

    `shown` names the column holding the id of what is displayed (the original for reposts).
    """
    if _is_anonymous(viewer):
        return qs.annotate(
            viewer_liked=Value(False),
            viewer_saved=Value(False),
            viewer_reposted=Value(False),
            viewer_follows_author=Value(False),
        )
    target = {kind: OuterRef(shown)}
    reposted = (
        Exists(Post.objects.filter(author_id=viewer.pk, repost_of_id=OuterRef(shown)))
        if kind == "post"
        else Value(False)
    )
    return qs.annotate(
        viewer_liked=Exists(Like.objects.filter(user_id=viewer.pk, **target)),
        viewer_saved=Exists(Save.objects.filter(user_id=viewer.pk, **target)),
        viewer_reposted=reposted,
        viewer_follows_author=Exists(Follow.objects.filter(follower_id=viewer.pk, following_id=OuterRef("author_id"))),
    )


# Only the columns a feed item shows: a post row with its author and original is ~130 columns
# otherwise, and building, sending and reading them was a measurable share of a page's time.
_USER_FIELDS = ("id", "username", "display_name", "avatar", "is_private")
_POST_FIELDS = (
    "id", "author_id", "text", "visibility", "sensitive", "content_warning", "quote_of_id", "repost_of_id",
    "comment_policy", "published_at", "edited_at", "likes_count", "comments_count", "reposts_count",
    "quotes_count", "saves_count", "trending_score",
)  # fmt: skip
_VIDEO_FIELDS = (
    "id", "author_id", "title", "description", "visibility", "age_restricted", "duration_seconds",
    "thumbnail_key", "comment_policy", "published_at", "likes_count", "comments_count", "views_count",
    "saves_count", "trending_score",
)  # fmt: skip


def _only(*groups) -> list[str]:
    return [f"{prefix}{field}" for prefix, fields in groups for field in fields]


def _posts_qs(viewer):
    return (
        Post.objects.annotate(shown_id=Coalesce("repost_of_id", "id"))
        .select_related("author", "repost_of", "repost_of__author")
        .only(
            *_only(
                ("", _POST_FIELDS),
                ("author__", _USER_FIELDS),
                ("repost_of__", _POST_FIELDS),
                ("repost_of__author__", _USER_FIELDS),
            )
        )
        .filter(_published())
    )


def _videos_qs():
    return Video.objects.select_related("author").only(*_only(("", _VIDEO_FIELDS), ("author__", _USER_FIELDS)))


def _page(viewer, posts, videos, *, fields, cursor, limit) -> tuple[list, list, list | None]:
    """Run both branch queries (limit + 1 rows each, after the cursor) and merge them in order."""
    if cursor is not None:
        posts = posts.filter(after_q(fields, cursor)) if posts is not None else None
        videos = videos.filter(after_q(fields, cursor)) if videos is not None else None
    order = [f"-{f}" for f in fields]
    rows = []
    if posts is not None:
        rows += [("post", r) for r in posts.order_by(*order)[: limit + 1]]
    if videos is not None:
        rows += [("video", r) for r in videos.order_by(*order)[: limit + 1]]
    rows.sort(key=lambda kr: tuple(getattr(kr[1], f) for f in fields), reverse=True)
    more = len(rows) > limit
    rows = rows[:limit]
    next_values = [getattr(rows[-1][1], f) for f in fields] if more and rows else None
    return rows, next_values


def _attach_media(items: list[FeedItem]) -> None:
    post_ids = [i.item.pk for i in items if i.kind == "post"]
    if not post_ids:
        return
    by_post: dict = {}
    for image in MediaImage.objects.filter(post_id__in=post_ids).order_by("post_id", "position", "id"):
        by_post.setdefault(image.post_id, []).append(image)
    for i in items:
        if i.kind == "post":
            i.media = by_post.get(i.item.pk, [])


def _copy_viewer_state(row, item) -> None:
    for name in ("viewer_liked", "viewer_saved", "viewer_reposted", "viewer_follows_author"):
        setattr(item, name, getattr(row, name))


def _following_reason(viewer, kind: str, row) -> dict:
    if kind == "post" and row.repost_of_id:
        if row.author_id == viewer.pk:
            return {"type": "own_repost", "text": "you reposted", "user": row.author}
        return {"type": "repost", "text": f"reposted by @{row.author.username}", "user": row.author}
    if row.author_id == viewer.pk:
        return {"type": "own", "text": f"your {kind}", "user": row.author}
    return {"type": "following", "text": f"you follow @{row.author.username}", "user": row.author}


def _items(rows, reason_for) -> list[FeedItem]:
    """Turn merged rows into items, dropping repeats of the same shown item within the page."""
    seen, items = set(), []
    for kind, row in rows:
        item = row.repost_of if kind == "post" and row.repost_of_id else row
        key = (kind, item.pk)
        if key in seen:
            continue
        seen.add(key)
        _copy_viewer_state(row, item)
        items.append(FeedItem(kind=kind, row=row, item=item, reason=reason_for(kind, row)))
    _attach_media(items)
    return items


def feed_following(*, viewer, cursor=None, limit: int = 20) -> FeedPage:
    """Posts, reposts and videos by the accounts `viewer` follows, plus their own; newest first.

    Left out: muted authors (and reposts of them), reposts by accounts followed with hide_reposts,
    reposts of originals the viewer may not see, and everything content's visibility rule hides
    (blocked either way, deleted, not published, not permitted).
    """
    followed = Follow.objects.filter(follower_id=viewer.pk).values("following_id")
    hiding_reposts = Follow.objects.filter(follower_id=viewer.pk, hide_reposts=True).values("following_id")
    muted = _muted_ids(viewer)
    authors = Q(author_id__in=followed) | Q(author_id=viewer.pk)

    # content's post_visible_q already requires a repost's original to be visible to the viewer.
    reposts_ok = ~Q(repost_of__author_id__in=muted) & ~Q(author_id__in=hiding_reposts)
    posts = (
        _posts_qs(viewer)
        .filter(post_visible_q(viewer))
        .filter(authors)
        .exclude(author_id__in=muted)
        .filter(Q(repost_of__isnull=True) | reposts_ok)
    )
    posts = _annotate_viewer(posts, viewer, kind="post", shown="shown_id")
    videos = (
        _videos_qs()
        .filter(video_visible_q(viewer))
        .filter(authors, _published(), status=Video.Status.READY)
        .exclude(visibility=VideoVisibility.UNLISTED)
        .exclude(author_id__in=muted)
    )
    videos = _annotate_viewer(videos, viewer, kind="video", shown="id")
    rows, next_values = _page(viewer, posts, videos, fields=["published_at", "id"], cursor=cursor, limit=limit)
    return FeedPage(items=_items(rows, lambda kind, row: _following_reason(viewer, kind, row)), next_values=next_values)


def _latest_reason(viewer, kind, row) -> dict:
    if not _is_anonymous(viewer) and row.author_id == viewer.pk:
        return {"type": "own", "text": f"your {kind}", "user": row.author}
    if row.viewer_follows_author:
        return {"type": "following", "text": f"you follow @{row.author.username}", "user": row.author}
    return {"type": "latest", "text": f"new from @{row.author.username}", "user": row.author}


def _public_branches(viewer):
    """Public, published originals (no reposts) and public ready videos, minus muted authors."""
    posts = _posts_qs(viewer).filter(post_visible_q(viewer), visibility=PostVisibility.PUBLIC, repost_of__isnull=True)
    videos = (
        _videos_qs()
        .filter(video_visible_q(viewer))
        .filter(_published(), status=Video.Status.READY, visibility=VideoVisibility.PUBLIC)
    )
    if not _is_anonymous(viewer):
        muted = _muted_ids(viewer)
        posts = posts.exclude(author_id__in=muted)
        videos = videos.exclude(author_id__in=muted)
    return (
        _annotate_viewer(posts, viewer, kind="post", shown="id"),
        _annotate_viewer(videos, viewer, kind="video", shown="id"),
    )


def feed_latest(*, viewer, cursor=None, limit: int = 20) -> FeedPage:
    """Everyone's public posts and videos, newest first (anonymous viewers welcome)."""
    posts, videos = _public_branches(viewer)
    rows, next_values = _page(viewer, posts, videos, fields=["published_at", "id"], cursor=cursor, limit=limit)
    return FeedPage(items=_items(rows, lambda kind, row: _latest_reason(viewer, kind, row)), next_values=next_values)


def _top_hashtags(items: list[FeedItem]) -> dict:
    """{(kind, id): the item's hashtag trending most}, one query per kind present on the page."""
    best: dict = {}
    for kind, link_model in (("post", PostHashtag), ("video", VideoHashtag)):
        ids = [i.item.pk for i in items if i.kind == kind]
        if not ids:
            continue
        links = link_model.objects.filter(**{f"{kind}_id__in": ids}).select_related("hashtag")
        for link in links:
            key = (kind, getattr(link, f"{kind}_id"))
            current = best.get(key)
            if current is None or link.hashtag.trending_score > current.trending_score:
                best[key] = link.hashtag
    return best


def feed_trending(*, viewer, cursor=None, limit: int = 20) -> FeedPage:
    """Public posts and videos by content's trending score (recomputed by its beat task), highest first.

    The cursor carries (score, id); a recomputation between two pages can move an item across the
    boundary (seen twice or skipped once), which a trending list tolerates.
    """
    posts, videos = _public_branches(viewer)
    posts, videos = posts.filter(trending_score__gt=0), videos.filter(trending_score__gt=0)
    rows, next_values = _page(viewer, posts, videos, fields=["trending_score", "id"], cursor=cursor, limit=limit)
    items = _items(rows, lambda kind, row: {"type": "trending", "text": "trending", "user": None})
    tags = _top_hashtags(items)
    for i in items:
        tag = tags.get((i.kind, i.item.pk))
        if tag is not None:
            i.reason = {
                "type": "trending",
                "text": f"trending in #{tag.display_name}",
                "user": None,
                "hashtag": tag.name,
            }
    return FeedPage(items=items, next_values=next_values)
