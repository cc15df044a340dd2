"""Which writes end which cached feed pages (see social.feeds.cache), wired to model signals.

Signals rather than calls in each service: the writes that matter live in four apps below this one
(users, payments, content and social itself), and a signal cannot be forgotten by the next service
that saves a Post. Bulk `update()` calls send no signal; the ones in this codebase touch counters,
progress and search vectors only, which the cache tolerates for its TTL (documented there).
Every bump runs after commit, so a page built from the old rows is never stored under the new epoch.
"""

from django.db import transaction
from django.db.models.signals import post_save

from content.models import Post, Video
from core.epoch_cache import connect_write_receivers
from payments.models import Subscription
from social.feeds.cache import feed_epochs_bump, feed_epochs_bump_after_commit, feed_page_cache_seconds
from social.models import Like, Save
from users.models import Block, Follow, Mute, User

FANOUT_BATCH = 5000

# User fields whose change alters how the user's items appear in (or vanish from) others' feeds.
_AUTHOR_FIELDS = {"status", "is_active", "is_private", "username", "display_name", "avatar", "birth_date"}


def followers_epochs_bump(*, author_id) -> int:
    """New epochs for every follower of `author_id`, in batches; how many were reached."""
    ids = Follow.objects.filter(following_id=author_id).values_list("follower_id", flat=True).order_by()
    batch, total = [], 0
    for follower_id in ids.iterator(chunk_size=FANOUT_BATCH):
        batch.append(follower_id)
        if len(batch) >= FANOUT_BATCH:
            feed_epochs_bump(batch)
            total, batch = total + len(batch), []
    feed_epochs_bump(batch)
    return total + len(batch)


def _bump_after_commit(*user_ids) -> None:
    feed_epochs_bump_after_commit(user_ids)


def _followers_after_commit(author_id) -> None:
    """The author's own epoch at once; the followers' through a task (an account may have many)."""
    from social.tasks import feed_followers_epochs_bump_task

    if not feed_page_cache_seconds() > 0:
        return
    _bump_after_commit(author_id)
    transaction.on_commit(lambda: feed_followers_epochs_bump_task.delay(str(author_id)))


def _content_changed(sender, instance, **kwargs):
    _followers_after_commit(instance.author_id)


def _user_changed(sender, instance, created=False, update_fields=None, **kwargs):
    if created:
        return
    if update_fields is not None and not (_AUTHOR_FIELDS & set(update_fields)):
        return  # e.g. a counter or last-seen write
    _followers_after_commit(instance.pk)


def _engagement_changed(sender, instance, **kwargs):
    _bump_after_commit(instance.user_id)


def _follow_changed(sender, instance, **kwargs):
    _bump_after_commit(instance.follower_id)


def _mute_changed(sender, instance, **kwargs):
    _bump_after_commit(instance.muter_id)


def _block_changed(sender, instance, **kwargs):
    _bump_after_commit(instance.blocker_id, instance.blocked_id)


def _subscription_changed(sender, instance, **kwargs):
    _bump_after_commit(instance.fan_id)


_RECEIVERS = [
    (Post, _content_changed),
    (Video, _content_changed),
    (Like, _engagement_changed),
    (Save, _engagement_changed),
    (Follow, _follow_changed),
    (Mute, _mute_changed),
    (Block, _block_changed),
    (Subscription, _subscription_changed),
]


def connect() -> None:
    """Called from SocialConfig.ready()."""
    connect_write_receivers(_RECEIVERS, uid="social.feed_cache")
    post_save.connect(_user_changed, sender=User, dispatch_uid="social.feed_cache.User.save")
