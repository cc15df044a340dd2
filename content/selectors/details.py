"""Post and video detail reads: one viewer-independent snapshot per item, cached, checked per viewer.

Why not the list path (filter by `post_visible_q`, serialize)? For one item, building and planning that
query and running the serializers cost ~15 ms of CPU, five times the whole of a small JSON response; and
a popular post is read by many viewers. So the snapshot holds what every viewer shares: the API
representation (rendered by the caller's `render`, as if any quoted post were visible) and the
`ItemFacts` the visibility rule reads. Each read then checks the rule in Python (`post_admits`,
`video_admits`) against the viewer's cached facts (content.selectors.viewer_facts) and fills in what is
the viewer's own: `reposted`, the quote when they may see it, `scheduled_at` for the author, and the
owner's representation of a video.

A snapshot lives under its item's epoch and depends on the epochs of everything it was built from: the
authors, the reposted or quoted post, the minimum tiers (core.epoch_cache.epoch_cached_with_deps). The
writes that bump them are wired in content.detail_cache; counters bump their item too, so a like or a
counted view shows at once. Since every change that shows is announced, `CONTENT_DETAIL_CACHE_SECONDS`
(600 by default, 0 in tests: every read builds) mainly sets how often a hot item is rebuilt (~15 ms
each); a video's signed still URLs keep at least `PLAYBACK_URL_TTL` minus that long to live.
"""

from django.db.models import Prefetch

from content.models import MediaImage, Post, Video
from content.selectors.viewer_facts import detail_cache_seconds, viewer_facts, viewer_facts_ref
from content.selectors.visibility import as_uuid, post_admits, post_facts, video_admits, video_facts
from core.epoch_cache import PREFETCH_NOT_DONE, epoch_cached_with_deps, epoch_entries_get
from core.exceptions import NotFound

POST = "post.v1"
VIDEO = "video.v1"
AUTHOR = "author.v1"
TIER = "tier.v1"


def _snapshot_and_facts(namespace: str, pk, viewer, variant: str, *, deps, build):
    """The item's snapshot and the viewer's facts, both read in one cache round trip."""
    key, seconds = f"{pk}:{variant}", detail_cache_seconds()
    found = epoch_entries_get([(namespace, pk, key), *viewer_facts_ref(viewer)]) if seconds > 0 else PREFETCH_NOT_DONE
    snap = epoch_cached_with_deps(namespace, owner_id=pk, key=key, seconds=seconds, deps=deps, build=build, found=found)
    return snap, viewer_facts(viewer, found=found)


def _post_deps(pk) -> list:
    """The epochs a post's snapshot depends on: its authors, tiers and the posts it embeds (two levels:
    a quoted repost, which the services never make but the rule allows, embeds its original)."""
    deps, level = [], [pk]
    for _ in range(3):
        rows = Post.all_objects.filter(pk__in=level).values_list(
            "id", "author_id", "min_tier_id", "repost_of_id", "quote_of_id"
        )
        level = []
        for post_id, author_id, tier_id, repost_of_id, quote_of_id in rows:
            deps += [(AUTHOR, author_id), (TIER, tier_id)] + ([(POST, post_id)] if post_id != pk else [])
            level += [i for i in (repost_of_id, quote_of_id) if i is not None]
        if not level:
            break
    return deps


def _load_posts(ids) -> dict:
    """Posts by id (deleted ones too: the rule needs to know) with author, tier and media loaded."""
    if not ids:
        return {}
    media = Prefetch("media", queryset=MediaImage.objects.order_by("position", "id"))
    qs = Post.all_objects.filter(pk__in=ids).select_related("author", "min_tier").prefetch_related(media)
    return {post.pk: post for post in qs}


def _chain(post: Post) -> tuple:
    """Facts the rule reads for `post`: its own, then its original's when it is a repost."""
    return (post_facts(post),) + ((post_facts(post.repost_of),) if post.repost_of_id else ())


def _post_snapshot(pk, render) -> dict | None:
    # Level by level rather than one query joining everything: planning a twelve-way join cost more than
    # the two or three small queries together.
    post = _load_posts([pk]).get(pk)
    if post is None or post.deleted_at is not None:
        return None
    embedded = _load_posts([i for i in (post.repost_of_id, post.quote_of_id) if i is not None])
    for field in ("repost_of", "quote_of"):
        target = embedded.get(getattr(post, f"{field}_id"))
        if target is not None:
            setattr(post, field, target)
    quote = None if post.repost_of_id else post.quote_of
    if quote is not None and quote.repost_of_id:
        quote.repost_of = _load_posts([quote.repost_of_id]).get(quote.repost_of_id)
    return {
        "chain": _chain(post),
        "quote_chain": _chain(quote) if quote is not None else None,
        "original_id": post.repost_of_id or post.pk,
        "author_id": post.author_id,
        "data": dict(render(post, quote)),
    }


def post_detail(*, viewer, id, render, variant: str = "") -> dict:
    """The representation of post `id` for `viewer`; NotFound when they may not see it.

    `render(post, quote)` -> the representation every viewer shares, with `quote` (None or the quoted
    post) shown. `variant` tells representations apart that differ by request (the absolute URL base).
    """
    pk = as_uuid(id)
    if pk is None:
        raise NotFound("No such post.")
    snap, facts = _snapshot_and_facts(
        POST, pk, viewer, variant, deps=lambda: _post_deps(pk), build=lambda: _post_snapshot(pk, render)
    )
    if snap is None or not post_admits(snap["chain"], facts):
        raise NotFound("No such post.")
    data = dict(snap["data"])
    quote_chain = snap["quote_chain"]
    if quote_chain is None or not post_admits(quote_chain, facts):
        data["quote_of"] = None
        data["quote_unavailable"] = quote_chain is not None
    data["reposted"] = facts is not None and facts.has_reposted(snap["original_id"])
    if facts is None or facts.user_id != snap["author_id"]:
        data.pop("scheduled_at", None)  # the author's plan is nobody else's business
    return data


def _video_deps(pk) -> list:
    row = Video.all_objects.filter(pk=pk).values_list("author_id", "min_tier_id").first() or (None, None)
    return [(AUTHOR, row[0]), (TIER, row[1])]


def _video_snapshot(pk, render) -> dict | None:
    video = Video.objects.filter(pk=pk).select_related("author", "min_tier").first()
    return None if video is None else {"facts": video_facts(video), "data": dict(render(video))}


def video_detail(*, viewer, id, render, render_owner, variant: str = "") -> dict:
    """The representation of video `id` for `viewer` (unlisted included: they hold the link);
    NotFound when they may not see it. The author gets `render_owner(video)`, built from the row."""
    pk = as_uuid(id)
    if pk is None:
        raise NotFound("No such video.")
    snap, facts = _snapshot_and_facts(
        VIDEO, pk, viewer, variant, deps=lambda: _video_deps(pk), build=lambda: _video_snapshot(pk, render)
    )
    if snap is None or not video_admits(snap["facts"], facts, listing=False):
        raise NotFound("No such video.")
    if facts is not None and facts.user_id == snap["facts"].author_id:
        video = Video.objects.filter(pk=pk).select_related("author", "min_tier").first()
        if video is None:
            raise NotFound("No such video.")
        return render_owner(video)
    return dict(snap["data"])
