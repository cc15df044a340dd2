"""What the visibility rule needs to know about a signed-in viewer, read in one go and cached per viewer.

The detail reads (content.selectors.details) check the rule in Python (`post_admits`, `video_admits`)
against these facts instead of filtering a query by it: whom the viewer follows, who blocks them or is
blocked by them, which creators they pay and how much, and which posts they have reposted (for the
`reposted` flag). Sets larger than `SET_CAP` are not held; those questions go to the database per read.

The cached part lives under the viewer's epoch in the "viewer" namespace (core.epoch_cache), replaced
after commit by the writes that change it (content.detail_cache): the viewer's follows, subscriptions
and reposts, blocks either way, and a price change of a tier they pay. A subscription runs out without a
write, so the facts also end when the first counted subscription does. Age comes from the request's
user, never from the cache.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from content.models import Post
from content.selectors.visibility import is_minor as viewer_is_minor
from core.epoch_cache import PREFETCH_NOT_DONE, epoch_cache_forget, epoch_cached
from payments.selectors import subscribed_creator_tiers_until
from users.models import Block, Follow

NAMESPACE = "viewer.v2"
SET_CAP = 5000


def detail_cache_seconds() -> int:
    return int(getattr(settings, "CONTENT_DETAIL_CACHE_SECONDS", 0))


def _n(pk) -> int:
    """Ids are held as integers: a set of UUID objects unpickles ~20× slower (290 µs for 155 follows, on
    every read) than the same set of ints."""
    return pk.int if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk)).int


def _capped(values_list) -> frozenset | None:
    values = list(values_list[: SET_CAP + 1])
    return None if len(values) > SET_CAP else frozenset(_n(v) for v in values)


def _load(viewer) -> dict:
    user_id = viewer.pk
    tiers, until = subscribed_creator_tiers_until(fan=viewer)
    blocked = _capped(Block.objects.filter(blocker_id=user_id).values_list("blocked_id", flat=True))
    blocking = _capped(Block.objects.filter(blocked_id=user_id).values_list("blocker_id", flat=True))
    return {
        "following": _capped(Follow.objects.filter(follower_id=user_id).values_list("following_id", flat=True)),
        "blocked": None if blocked is None or blocking is None else blocked | blocking,
        "tiers": {_n(creator_id): price for creator_id, price in tiers.items()},
        "until": until,
        "reposted": _capped(
            Post.objects.filter(author_id=user_id, repost_of__isnull=False).values_list("repost_of_id", flat=True)
        ),
    }


@dataclass(frozen=True)
class ViewerFacts:
    user_id: uuid.UUID
    is_minor: bool
    following: frozenset | None
    blocked: frozenset | None
    tiers: dict
    reposted: frozenset | None

    def follows(self, author_id) -> bool:
        if self.following is not None:
            return _n(author_id) in self.following
        return Follow.objects.filter(follower_id=self.user_id, following_id=author_id).exists()

    def blocks_either_way(self, author_id) -> bool:
        if self.blocked is not None:
            return _n(author_id) in self.blocked
        return Block.objects.filter(blocker_id=self.user_id, blocked_id=author_id).exists() or (
            Block.objects.filter(blocker_id=author_id, blocked_id=self.user_id).exists()
        )

    def tier_price(self, creator_id) -> int | None:
        """The best price the viewer has paid up for with this creator; None when not subscribed."""
        return self.tiers.get(_n(creator_id))

    def has_reposted(self, post_id) -> bool:
        if self.reposted is not None:
            return _n(post_id) in self.reposted
        return Post.objects.filter(author_id=self.user_id, repost_of_id=post_id).exists()


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def viewer_facts_ref(viewer) -> list:
    """The cache reference of the viewer's facts, for `core.epoch_cache.epoch_entries_get` (none when
    anonymous): a caller reading other entries too fetches both in one round trip."""
    return [(NAMESPACE, viewer.pk, f"facts:{viewer.pk}")] if _signed_in(viewer) else []


def viewer_facts(viewer, *, found=PREFETCH_NOT_DONE) -> ViewerFacts | None:
    """The facts of `viewer` (None when anonymous), from the cache while they hold; `found` as read by
    `epoch_entries_get` with `viewer_facts_ref`."""
    if not _signed_in(viewer):
        return None
    seconds, key = detail_cache_seconds(), f"facts:{viewer.pk}"

    def load(found=PREFETCH_NOT_DONE):
        build = lambda: _load(viewer)  # noqa: E731
        return epoch_cached(NAMESPACE, owner_id=viewer.pk, key=key, seconds=seconds, build=build, found=found)

    data = load(found)
    until: datetime.datetime | None = data["until"]
    if until is not None and until <= timezone.now():
        epoch_cache_forget(NAMESPACE, key)  # a subscription ran out since: count again
        data = load()
    return ViewerFacts(
        user_id=viewer.pk,
        is_minor=viewer_is_minor(viewer),
        following=data["following"],
        blocked=data["blocked"],
        tiers=data["tiers"],
        reposted=data["reposted"],
    )
