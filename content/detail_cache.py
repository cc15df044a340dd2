"""Which writes end cached detail snapshots and viewer facts (content.selectors.details, .viewer_facts).

Model signals, for the reason social.feeds.invalidation gives: the writes live in several apps, and a
signal cannot be forgotten by the next service that saves a Post. Every bump runs after commit. Bulk
`update()` calls send no signal; on these models they touch counters (whose services bump by hand:
content.services.counters), processing progress and probe facts of videos nobody else sees yet, search
vectors and trending scores, none of which a detail shows (views_count of a video excepted: stale for at
most CONTENT_DETAIL_CACHE_SECONDS).
"""

from content.models import MediaImage, Post, Video
from content.selectors.details import AUTHOR, POST, TIER, VIDEO
from content.selectors.viewer_facts import NAMESPACE as VIEWER
from content.selectors.viewer_facts import detail_cache_seconds
from core.epoch_cache import connect_write_receivers, epochs_bump_after_commit
from payments.models import Subscription, Tier
from users.models import Block, Follow, User

# User fields a post or video shows of its author (UserCardSerializer) or the rule reads.
_AUTHOR_FIELDS = {"status", "is_private", "username", "display_name", "avatar", "role"}


def _bump(namespace: str, *ids) -> None:
    epochs_bump_after_commit(namespace, ids, seconds=detail_cache_seconds())


def post_changed(post_id) -> None:
    """For services that change a post with `update()` (counters)."""
    _bump(POST, post_id)


def video_changed(video_id) -> None:
    _bump(VIDEO, video_id)


def _post(sender, instance, **kwargs):
    _bump(POST, instance.pk)
    if instance.repost_of_id:
        _bump(VIEWER, instance.author_id)  # their `reposted` set


def _video(sender, instance, **kwargs):
    _bump(VIDEO, instance.pk)


def _media(sender, instance, **kwargs):
    if instance.post_id:
        _bump(POST, instance.post_id)


def _user(sender, instance, created=False, update_fields=None, **kwargs):
    if created or (update_fields is not None and not (_AUTHOR_FIELDS & set(update_fields))):
        return
    _bump(AUTHOR, instance.pk)


def _tier(sender, instance, **kwargs):
    """A tier's price decides what its subscribers see (their facts hold the price) and what a post
    with it as minimum asks for. Price changes are rare; their fans are bumped in one `set_many`."""
    if detail_cache_seconds() <= 0:
        return  # nothing cached: skip the fans query
    _bump(TIER, instance.pk)
    _bump(VIEWER, *Subscription.objects.filter(tier_id=instance.pk).values_list("fan_id", flat=True).distinct())


def _follow(sender, instance, **kwargs):
    _bump(VIEWER, instance.follower_id)


def _block(sender, instance, **kwargs):
    _bump(VIEWER, instance.blocker_id, instance.blocked_id)


def _subscription(sender, instance, **kwargs):
    _bump(VIEWER, instance.fan_id)


_RECEIVERS = [
    (Post, _post),
    (Video, _video),
    (MediaImage, _media),
    (User, _user),
    (Tier, _tier),
    (Follow, _follow),
    (Block, _block),
    (Subscription, _subscription),
]


def connect() -> None:
    """Called from ContentConfig.ready()."""
    connect_write_receivers(_RECEIVERS, uid="content.detail_cache")
