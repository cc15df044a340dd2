"""The one visibility rule for posts and videos. Every endpoint, list, search, feed and ad uses it.

A viewer sees a post or video when it is not deleted and either
- the viewer is its author (drafts, scheduled, private and processing items included), or
- all of: the author's account is visible (not suspended/banned/deactivated); no block exists either way
  between viewer and author; it is published (published_at set and not in the future; videos also
  `ready`); age-restricted videos need a signed-in adult; and its visibility admits the viewer:
  public → everyone; unlisted (videos) → anyone with the link, never in lists; followers → accounts
  following the author; a private account's (`is_private`) public and unlisted items are for its
  followers only; subscribers → a paid-up subscription to the author at `min_tier` or above
  (by price; no `min_tier` means any tier); private → nobody else.

The rule is written twice, on purpose, and the two are kept equal by a test over every combination
(content/tests/test_visibility_equivalence.py):
- as a `Q`, so list queries filter in SQL: building it costs at most one query (the viewer's paid-up
  subscriptions); follows and blocks are subqueries inside it. `prefix` lets other apps filter through a
  relation, e.g. `Comment.objects.filter(post_visible_q(viewer, prefix="post__"))`;
- in Python (`post_admits`, `video_admits`) over `ItemFacts` and a viewer's facts, for the detail reads,
  whose item and viewer facts come from caches (content.selectors.details, .viewer_facts).
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from content.models import Post, Video
from content.models.common import PostVisibility, VideoVisibility
from core.exceptions import NotFound
from payments.selectors import subscribed_creator_tiers
from users.models import Block, Follow, User


def _is_anonymous(viewer) -> bool:
    return viewer is None or not getattr(viewer, "is_authenticated", False)


def _adult_birth_cutoff() -> datetime.date:
    today = timezone.now().date()
    try:
        return today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 18, day=28)


def _base_q(viewer, p: str, now) -> Q:
    """Published, by an account others may see, and no block either way with the viewer."""
    q = Q(**{f"{p}published_at__isnull": False, f"{p}published_at__lte": now}) & Q(
        **{f"{p}author__status__in": User.VISIBLE_STATUSES}
    )
    if not _is_anonymous(viewer):
        blocked_by_viewer = Block.objects.filter(blocker_id=viewer.pk).values("blocked_id")
        blocking_viewer = Block.objects.filter(blocked_id=viewer.pk).values("blocker_id")
        q &= ~Q(**{f"{p}author_id__in": blocked_by_viewer}) & ~Q(**{f"{p}author_id__in": blocking_viewer})
    return q


def _admits_q(viewer, p: str, choices, tiers: dict, open_values: tuple) -> Q:
    """The visibility values that admit a viewer who is not the author.

    `open_values` are open to everyone (public; plus unlisted when opened by link) — except that a
    private account's open items are for its (approved) followers only.
    """
    admits = Q(**{f"{p}visibility__in": open_values, f"{p}author__is_private": False})
    if _is_anonymous(viewer):
        return admits
    followed = Follow.objects.filter(follower_id=viewer.pk).values("following_id")
    admits |= Q(**{f"{p}visibility__in": (*open_values, choices.FOLLOWERS), f"{p}author_id__in": followed})
    if tiers:
        # Group creators by the best price the viewer pays them, so the Q grows with distinct prices,
        # not with subscriptions.
        by_price: dict[int, list] = {}
        for creator_id, price in tiers.items():
            by_price.setdefault(price, []).append(creator_id)
        subscribed = Q()
        for price, creator_ids in by_price.items():
            subscribed |= Q(**{f"{p}author_id__in": creator_ids}) & (
                Q(**{f"{p}min_tier__isnull": True}) | Q(**{f"{p}min_tier__price_amount__lte": price})
            )
        admits |= Q(**{f"{p}visibility": choices.SUBSCRIBERS}) & subscribed
    return admits


def _tiers(viewer) -> dict:
    return {} if _is_anonymous(viewer) else subscribed_creator_tiers(fan=viewer)


def is_minor(viewer) -> bool:
    birth = getattr(viewer, "birth_date", None)
    return birth is not None and birth > _adult_birth_cutoff()


def _one_post_q(viewer, p: str, tiers: dict, now) -> Q:
    q = _base_q(viewer, p, now) & _admits_q(viewer, p, PostVisibility, tiers, (PostVisibility.PUBLIC,))
    if not _is_anonymous(viewer):
        q |= Q(**{f"{p}author_id": viewer.pk})
    return Q(**{f"{p}deleted_at__isnull": True}) & q


def post_visible_q(viewer, *, prefix: str = "") -> Q:
    """Q over Post (or through `prefix`, e.g. "post__") matching posts `viewer` may see.

    A repost is visible only while its original is too (reposts always point at an original).
    """
    p, now, tiers = prefix, timezone.now(), _tiers(viewer)
    original = Q(**{f"{p}repost_of__isnull": True}) | _one_post_q(viewer, f"{p}repost_of__", tiers, now)
    return _one_post_q(viewer, p, tiers, now) & original


def video_visible_q(viewer, *, listing: bool = True, prefix: str = "") -> Q:
    """Q over Video matching videos `viewer` may see; `listing=False` also admits unlisted ones."""
    p = prefix
    # Unlisted behaves like public for whoever holds the link (blocks and status still apply).
    open_values = (VideoVisibility.PUBLIC,) if listing else (VideoVisibility.PUBLIC, VideoVisibility.UNLISTED)
    admits = _admits_q(viewer, p, VideoVisibility, _tiers(viewer), open_values)
    q = _base_q(viewer, p, timezone.now()) & admits & Q(**{f"{p}status": Video.Status.READY})
    if _is_anonymous(viewer) or is_minor(viewer):
        q &= Q(**{f"{p}age_restricted": False})
    if not _is_anonymous(viewer):
        q |= Q(**{f"{p}author_id": viewer.pk})
    return Q(**{f"{p}deleted_at__isnull": True}) & q


# -- the same rule in Python ------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemFacts:
    """What the rule reads of one post or video and its author."""

    author_id: uuid.UUID
    author_status: str
    author_is_private: bool
    visibility: str
    min_tier_price: int | None  # None: no minimum tier
    published_at: datetime.datetime | None
    deleted: bool
    ready: bool = True  # videos: processed (status READY)
    age_restricted: bool = False


def _facts(item, **extra) -> ItemFacts:
    return ItemFacts(
        author_id=item.author_id,
        author_status=item.author.status,
        author_is_private=item.author.is_private,
        visibility=item.visibility,
        min_tier_price=item.min_tier.price_amount if item.min_tier_id else None,
        published_at=item.published_at,
        deleted=item.deleted_at is not None,
        **extra,
    )


def post_facts(post: Post) -> ItemFacts:
    """Facts of a post whose author and min_tier are loaded."""
    return _facts(post)


def video_facts(video: Video) -> ItemFacts:
    """Facts of a video whose author and min_tier are loaded."""
    return _facts(video, ready=video.status == Video.Status.READY, age_restricted=video.age_restricted)


def _admits(item: ItemFacts, viewer, choices, open_values: tuple, now) -> bool:
    """`_base_q` & `_admits_q` for one item; `viewer` is a ViewerFacts or None (anonymous)."""
    if item.published_at is None or item.published_at > now or item.author_status not in User.VISIBLE_STATUSES:
        return False
    if viewer is not None and viewer.blocks_either_way(item.author_id):
        return False
    if item.visibility in open_values and not item.author_is_private:
        return True
    if viewer is None:
        return False
    if item.visibility in (*open_values, choices.FOLLOWERS) and viewer.follows(item.author_id):
        return True
    if item.visibility == choices.SUBSCRIBERS:
        paid = viewer.tier_price(item.author_id)
        return paid is not None and (item.min_tier_price is None or item.min_tier_price <= paid)
    return False


def _one_post_admits(item: ItemFacts, viewer, now) -> bool:
    if item.deleted:
        return False
    if viewer is not None and item.author_id == viewer.user_id:
        return True
    return _admits(item, viewer, PostVisibility, (PostVisibility.PUBLIC,), now)


def post_admits(chain, viewer, *, now=None) -> bool:
    """`post_visible_q` for one post: `chain` is its facts, then its original's when it is a repost."""
    now = now or timezone.now()
    return all(_one_post_admits(item, viewer, now) for item in chain)


def video_admits(item: ItemFacts, viewer, *, listing: bool = True, now=None) -> bool:
    """`video_visible_q` for one video."""
    if item.deleted:
        return False
    if viewer is not None and item.author_id == viewer.user_id:
        return True
    open_values = (VideoVisibility.PUBLIC,) if listing else (VideoVisibility.PUBLIC, VideoVisibility.UNLISTED)
    if not item.ready or (item.age_restricted and (viewer is None or viewer.is_minor)):
        return False
    return _admits(item, viewer, VideoVisibility, open_values, now or timezone.now())


# -- single reads -----------------------------------------------------------------------------------
def as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def post_get_visible(*, viewer, id, queryset=None) -> Post:
    """The post if `viewer` may see it, with author and tier loaded; NotFound otherwise.

    `queryset` (of Post) lets a caller load more in the same query, e.g. what its representation needs.
    """
    pk = as_uuid(id)
    queryset = Post.objects.all() if queryset is None else queryset
    post = (
        None
        if pk is None
        else queryset.filter(pk=pk).filter(post_visible_q(viewer)).select_related("author", "min_tier").first()
    )
    if post is None:
        raise NotFound("No such post.")
    return post


def video_get_visible(*, viewer, id) -> Video:
    """The video if `viewer` may see it (unlisted included: they hold the link); NotFound otherwise."""
    pk = as_uuid(id)
    video = (
        None
        if pk is None
        else (
            Video.objects.filter(pk=pk)
            .filter(video_visible_q(viewer, listing=False))
            .select_related("author", "min_tier")
            .first()
        )
    )
    if video is None:
        raise NotFound("No such video.")
    return video
